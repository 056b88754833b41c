#!/usr/bin/env bash
# A lost ledger is noticed (docs/ledger.md "A lost ledger"): a tree whose ledger was truncated,
# deleted or replaced is refused by renew, crl, issue and revoke with one line naming the way out,
# and no new ledger is made; CRL numbers never go backwards (the ledger state, the CRL being
# replaced); `kpki ledger rebuild` (plan with --dry-run, then apply) recovers the certificates on
# disk and the last CRL's revocations, and the CA works again with its next CRL numbered after it.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/ledger_tree.sh"
cd "$WORK"
unset KPKI_LEDGER

init_tree out

"$KPKI" kubeconfig user --client-name jane --ca-cert out/pki/ca.crt --ca-key out/pki/ca.key \
  --server https://10.0.0.1:6443 --out jane.conf 2>/dev/null
client_cert_of jane.conf jane.crt
JANE=$(openssl x509 -in jane.crt -noout -serial | cut -d= -f2)
"$KPKI" issue --ca-cert out/pki/ca.crt --ca-key out/pki/ca.key --profile client --cn nc \
  --key nc.key --out nc.crt 2>/dev/null
"$KPKI" revoke "$JANE" --reason keyCompromise --ledger out/ledger.db 2>/dev/null || fail "revoke jane"
"$KPKI" revoke "$(openssl x509 -in nc.crt -noout -serial | cut -d= -f2)" --ledger out/ledger.db \
  2>/dev/null || fail "revoke nc"
"$KPKI" crl --ca-cert out/pki/ca.crt --ca-key out/pki/ca.key --out crl.pem 2>/dev/null

# --- 2. A lost ledger is noticed; CRL numbers never go backwards; rebuild. ---
for i in 2 3 4 5 6; do
  "$KPKI" crl --ca-cert out/pki/ca.crt --ca-key out/pki/ca.key --out crl.pem --force 2>/dev/null
done
check "CRL number 6" 6 "$(crl_number crl.pem)"
cp crl.pem last-crl.pem
: >out/ledger.db  # truncated
expect_error "renew refuses a truncated ledger" "ledger .*out/ledger.db.* (replaced|made anew).*ledger rebuild" \
  "$KPKI" certs renew apiserver --dir out/nodes/cp1 --config cluster.yaml
rm -f out/ledger.db out/ledger.db-wal out/ledger.db-shm
expect_error "renew refuses a deleted ledger" "ledger .*out/ledger.db.* is missing.*ledger rebuild" \
  "$KPKI" certs renew apiserver --dir out/nodes/cp1 --config cluster.yaml
check "no new ledger made" no "$(exists out/ledger.db)"
expect_error "crl refuses a deleted ledger" "is missing.*ledger rebuild" \
  "$KPKI" crl --ca-cert out/pki/ca.crt --ca-key out/pki/ca.key --out crl.pem --force
expect_error "issue refuses a deleted ledger" "is missing" "$KPKI" issue --ca-cert out/pki/ca.crt \
  --ca-key out/pki/ca.key --profile client --cn x --key x.key --out x.crt
check "nothing issued" no "$(exists x.crt)"

cp out/ledger-state.json state-before.json
"$KPKI" ledger rebuild --dir out --crl last-crl.pem --dry-run >plan.txt 2>&1
if grep -q "CRL number 6: 2 revoked (2 no longer on disk)" plan.txt; then pass; else fail "plan: $(cat plan.txt)"; fi
check "dry run writes nothing" "no same" "$(exists out/ledger.db) $(cmp -s state-before.json out/ledger-state.json && echo same)"
expect_ok "rebuild" "$KPKI" ledger rebuild --dir out --crl last-crl.pem
tree_certs=$(find out -name '*.crt' | xargs -n1 openssl x509 -noout -fingerprint -in 2>/dev/null | sort -u | wc -l)
confs=$(find out -name '*.conf' | xargs -n1 grep -h client-certificate-data | sort -u | wc -l)
recovered=$("$KPKI" ledger list --ledger out/ledger.db -o json |
  python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin)["items"] if r["sha256"]))')
check "every certificate on disk recovered" $((tree_certs + confs)) "$recovered"
expect_ok "renew works again" "$KPKI" certs renew apiserver --dir out/nodes/cp1 --config cluster.yaml
expect_ok "crl after rebuild" "$KPKI" crl --ca-cert out/pki/ca.crt --ca-key out/pki/ca.key \
  --out crl.pem --force
check "CRL number continues at 7" 7 "$(crl_number crl.pem)"
check "revocations recovered" 2 "$(crl_revoked crl.pem)"
expect_error "jane still revoked" "revoked" "$KPKI" verify --ca out/pki/ca.crt --crl crl.pem jane.crt

# A ledger replaced by another kpki ledger (not just truncated) is refused too.
mv out/ledger.db rebuilt.db
"$KPKI" ledger list --ledger out/ledger.db >/dev/null 2>&1 || true
"$KPKI" ca create --key other.key --cn other --out other/ca.crt --ledger out/ledger.db 2>/dev/null
expect_error "replaced ledger" "not the one.*replaced" "$KPKI" revoke "$JANE" --ca-cert out/pki/ca.crt
mv rebuilt.db out/ledger.db

# Without any ledger state: the CRL being replaced still carries the number.
mkdir solo
"$KPKI" ca create --key solo/ca.key --cn solo --out solo/ca.crt 2>/dev/null
for i in 1 2 3; do
  "$KPKI" crl --ca-cert solo/ca.crt --ca-key solo/ca.key --out solo.pem --force 2>/dev/null
done
rm solo/ledger.db* solo/ledger-state.json
"$KPKI" issue --ca-cert solo/ca.crt --ca-key solo/ca.key --profile client --cn s --key s.key \
  --out s.crt 2>/dev/null
expect_ok "crl of a new ledger" "$KPKI" crl --ca-cert solo/ca.crt --ca-key solo/ca.key \
  --out solo.pem --force
check "CRL number after the published one" 4 "$(crl_number solo.pem)"

finish
