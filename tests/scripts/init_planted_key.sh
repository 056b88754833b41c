#!/usr/bin/env bash
# Issue 19, "init certifies a planted key": a key put where a deleted certificate's key was is
# certified by `kpki init` only when the ledger knows that public key for that file, or with
# --adopt-keys (shown as "adopt key" in the dry-run text and as adoptKey in -o json). Without
# either it is a MISMATCH and nothing is written. A symbolic link anywhere in the tree is refused
# with one line naming it, --adopt-keys or not. A key kpki issued for the file is kept as before.
source "$(dirname "$0")/lib/common.sh"
command -v openssl >/dev/null || { echo "openssl not found"; exit 77; }
cd "$WORK"

cluster_yaml >cfg.yaml
init() { "$KPKI" init --config cfg.yaml --dir out "$@"; }
tree_sum() { (cd out && find . -path ./ledger.db -prune -o -type f -print0 | sort -z |
  xargs -0 sha256sum) | sha256sum; }
pub_of_cert() { openssl x509 -in "$1" -noout -pubkey; }
pub_of_key() { openssl pkey -in "$1" -pubout; }
expect_ok "init" init
P=out/nodes/cp1/pki/apiserver-kubelet-client

# A key kpki issued for the file (its certificate deleted) is kept and certified again.
own_key_pub=$(pub_of_key out/nodes/cp1/pki/apiserver.key)
rm out/nodes/cp1/pki/apiserver.crt
expect_ok "init after deleting a certificate" init
[ "$(pub_of_cert out/nodes/cp1/pki/apiserver.crt)" = "$own_key_pub" ] && pass ||
  fail "the key kpki issued for apiserver was not kept"

# A planted key (O=kubeadm:cluster-admins is cluster-admin).
rm "$P.crt"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$P.key" 2>/dev/null
attacker_pub=$(pub_of_key "$P.key")
before=$(tree_sum)
rc=0
init >out.txt 2>err.txt || rc=$?
[ "$rc" -eq 5 ] && pass || fail "init with a planted key: exit $rc, expected 5: $(cat err.txt)"
[ "$(grep -c . err.txt)" -eq 1 ] && pass || fail "init with a planted key: stderr is not one line: $(cat err.txt)"
grep -qE "^MISMATCH +nodes/cp1/pki/apiserver-kubelet-client.crt  key '.*apiserver-kubelet-client.key' is not one kpki issued for this file \(not in ledger .*ledger.db\)" out.txt &&
  pass || fail "the plan does not show the planted key as a mismatch: $(cat out.txt)"
[ "$(tree_sum)" = "$before" ] && pass || fail "init with a planted key wrote files"
[ -e "$P.crt" ] && fail "a certificate was issued for the planted key" || pass

# --adopt-keys: the dry run says so (text and JSON), the run certifies it.
dry=$(init --adopt-keys --dry-run 2>&1) || true
printf '%s\n' "$dry" | grep -qE "^would adopt key nodes/cp1/pki/apiserver-kubelet-client.key  certified by ca without a ledger record of it \(--adopt-keys\)" &&
  pass || fail "the dry run does not show the adopted key: $dry"
init --adopt-keys --dry-run -o json >plan.json || true
python3 - plan.json <<'PY' && pass || fail "-o json does not show adoptKey"
import json, sys
plan = json.load(open(sys.argv[1]))
adopted = [f for f in plan["files"] if f.get("adoptKey")]
assert len(adopted) == 1, adopted
assert adopted[0]["adoptKey"].endswith("nodes/cp1/pki/apiserver-kubelet-client.key"), adopted
assert adopted[0]["action"] == "create", adopted
PY
[ "$(tree_sum)" = "$before" ] && pass || fail "the dry runs wrote files"
expect_ok "init --adopt-keys" init --adopt-keys
[ "$(pub_of_cert "$P.crt")" = "$attacker_pub" ] && pass || fail "--adopt-keys did not certify the adopted key"

# --force instead replaces the key.
rm "$P.crt"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$P.key" 2>/dev/null
expect_ok "init --force with a planted key" init --force
[ "$(pub_of_cert "$P.crt")" != "$(pub_of_key "$P.key")" ] && fail "--force certified the planted key" || pass
[ "$(pub_of_cert "$P.crt")" = "$(pub_of_key "$P.key")" ] && pass || fail "--force left a key that does not match"

# A symbolic link to a key outside OUT, and a linked directory: refused, nothing written.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out outside.key 2>/dev/null
rm "$P.crt" "$P.key"
ln -s "$WORK/outside.key" "$P.key"
before=$(tree_sum)
expect_error "a key symlinked out of the tree" "'out/nodes/cp1/pki/apiserver-kubelet-client.key' is a symbolic link" \
  init --adopt-keys
[ -e "$P.crt" ] && fail "a certificate was issued through the link" || pass
rm "$P.key"
mv out/nodes/w1 w1-elsewhere
ln -s "$WORK/w1-elsewhere" out/nodes/w1
expect_error "a linked node directory" "'out/nodes/w1' is a symbolic link" init --dry-run
rm out/nodes/w1
mv w1-elsewhere out/nodes/w1
expect_ok "init once the links are gone" init

finish
