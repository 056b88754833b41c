#!/usr/bin/env bash
# A SQLite ledger path that is a symbolic link (to a file, or dangling) is refused on one line;
# the link's target is neither written nor created (docs/ledger.md "Where it is").
source "$(dirname "$0")/lib/common.sh"
cd "$WORK"
unset KPKI_LEDGER

check() {  # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then pass; else fail "$1: expected '$2', got '$3'"; fi
}
crl_revoked() { openssl crl -in "$1" -noout -text | grep -c "Serial Number:" || true; }
crl_number() { echo $(($(openssl crl -in "$1" -noout -crlnumber | cut -d= -f2))); }
client_cert_of() {  # client_cert_of KUBECONFIG OUT: its client certificate as PEM
  grep 'client-certificate-data:' "$1" | awk '{print $2}' | tr -d '"' | base64 -d >"$2"
}
exists() { if [ -e "$1" ] || [ -L "$1" ]; then echo yes; else echo no; fi; }

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
