#!/usr/bin/env bash
# The ledger belongs to the CA (docs/ledger.md "Where it is"): every verb finds a kpki tree's
# ledger (OUT/ledger.db) from any of the tree's copies of a CA certificate, with no flag, so a
# revocation always reaches the CRL; `kubeconfig user` takes --ledger; the help says the default;
# a directory is taken as a tree only when kpki made it one (nothing planted above pki/ is used).
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/ledger_tree.sh"
cd "$WORK"
unset KPKI_LEDGER

init_tree out
check "init marks its tree (0600)" 600 "$(stat -c %a out/ledger-state.json)"

# --- 1. One ledger per CA, found from any of the tree's copies of its certificate. ---
# docs/config.md's Day-2 example, no --ledger: recorded in out/ledger.db, no second ledger.
expect_ok "kubeconfig user" "$KPKI" kubeconfig user --client-name jane --org developers \
  --ca-cert out/pki/ca.crt --ca-key out/pki/ca.key --server https://10.0.0.1:6443 --out jane.conf
client_cert_of jane.conf jane.crt
JANE=$(openssl x509 -in jane.crt -noout -serial | cut -d= -f2)
check "no ledger beside out/pki/ca.crt" no "$(exists out/pki/ledger.db)"
expect_ok "jane is in the tree's ledger" "$KPKI" ledger show "$JANE" --ledger out/ledger.db
expect_ok "kubeconfig user takes --ledger" "$KPKI" kubeconfig user --client-name bob \
  --ca-cert out/pki/ca.crt --ca-key out/pki/ca.key --server https://10.0.0.1:6443 \
  --out bob.conf --ledger out/ledger.db
expect_ok "issue with a node's copy of the CA" "$KPKI" issue --ca-cert out/nodes/cp1/pki/ca.crt \
  --ca-key out/pki/ca.key --profile client --cn node-copy --key nc.key --out nc.crt
check "no ledger beside a node's copy" no "$(exists out/nodes/cp1/pki/ledger.db)"
expect_ok "ledger list --ca-cert, no --ledger" "$KPKI" ledger show "$JANE" --ca-cert out/pki/ca.crt
# The issue's reproduction: revoked with --ledger out/ledger.db, CRL with no ledger flag.
expect_ok "revoke" "$KPKI" revoke "$JANE" --reason keyCompromise --ledger out/ledger.db
expect_ok "crl" "$KPKI" crl --ca-cert out/pki/ca.crt --ca-key out/pki/ca.key --out crl.pem
check "the CRL lists the revocation" 1 "$(crl_revoked crl.pem)"
expect_error "verify refuses the revoked certificate" "revoked" \
  "$KPKI" verify --ca out/pki/ca.crt --crl crl.pem jane.crt
expect_ok "revoke --ca-cert, no --ledger" "$KPKI" revoke \
  "$(openssl x509 -in nc.crt -noout -serial | cut -d= -f2)" --ca-cert out/nodes/w1/pki/ca.crt
# The etcd CA of a node directory: the same tree ledger.
expect_ok "etcd crl from a node's copy" "$KPKI" crl --ca-cert out/nodes/cp1/pki/etcd/ca.crt \
  --ca-key out/nodes/cp1/pki/etcd/ca.key --out etcd-crl.pem
check "no ledger beside the node's etcd CA" no "$(exists out/nodes/cp1/pki/etcd/ledger.db)"
# Help says the real default.
"$KPKI" ledger list --help >help.txt
if grep -q -- "--ca-cert" help.txt && grep -q "OUT/ledger.db" help.txt; then pass; else
  fail "ledger list --help: $(cat help.txt)"; fi

# A directory kpki did not make a tree is not one: a ledger.db and nodes/ planted in the parent
# of pki/ by someone else (here: a parent others may write) are not used.
mkdir -p planted/pki planted/nodes
cp out/pki/ca.crt out/pki/ca.key planted/pki/
mkdir pl
"$KPKI" ca create --key pl.key --cn planted --out pl/ca.crt --ledger planted/ledger.db 2>/dev/null
chmod 0777 planted
expect_ok "issue under a writable parent" "$KPKI" issue --ca-cert planted/pki/ca.crt \
  --ca-key planted/pki/ca.key --profile client --cn p --key p.key --out p.crt
check "planted parent ledger unused" "yes 1" "$(exists planted/pki/ledger.db) $(
  "$KPKI" ledger list --ledger planted/ledger.db -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')"
chmod 0755 planted
# pki/ under a plain directory (no tree state, no nodes/): beside the CA certificate.
mkdir -p plain/pki && cp out/pki/ca.crt out/pki/ca.key plain/pki/
expect_ok "issue under a plain parent" "$KPKI" issue --ca-cert plain/pki/ca.crt \
  --ca-key plain/pki/ca.key --profile client --cn q --key q.key --out q.crt
check "plain parent: ledger beside the CA" "yes no" "$(exists plain/pki/ledger.db) $(exists plain/ledger.db)"

finish
