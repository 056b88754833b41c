#!/usr/bin/env bash
# A SQLite ledger path that is a symbolic link (to a file, or dangling) is refused on one line;
# the link's target is neither written nor created (docs/ledger.md "Where it is").
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/ledger_tree.sh"
cd "$WORK"
unset KPKI_LEDGER

mkdir solo
"$KPKI" ca create --key solo/ca.key --cn solo --out solo/ca.crt 2>/dev/null
# --- 3. A ledger path that is a symbolic link is refused; the target is untouched. ---
: >target.db
chmod 0644 target.db
ln -s target.db link.db
expect_error "symlink ledger" "ledger 'link.db' is a symbolic link" "$KPKI" issue \
  --ca-cert solo/ca.crt --ca-key solo/ca.key --profile client --cn l --key l.key --out l.crt \
  --ledger link.db
check "symlink target untouched" 0 "$(stat -c %s target.db)"
ln -s "$WORK/nowhere.db" dangling.db
expect_error "dangling symlink ledger" "is a symbolic link" "$KPKI" ledger list --ledger dangling.db
check "dangling target not created" no "$(exists nowhere.db)"

finish
