#!/usr/bin/env bash
# --token-sessions N: a tree's certificates are signed N at a time on the CA keys' token. The
# forwarding test module (tests/pkcs11_module) adds 30 ms to each C_Sign, so that signatures
# overlap whenever kpki lets them, and records the most C_Sign calls ever in progress at once:
# for init, certs renew and ca rotate's reissue it reaches more than 1 and never exceeds N; N = 1
# gives exactly 1; a token that allows fewer sessions (ulMaxSessionCount) caps N, with a warning
# naming the token and its limit, and the run never asks it for more. No timing is asserted.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
require_softhsm
FWD=$(test_module forward)
cd "$WORK"

make_token sess
export KPKI_TEST_FORWARD_MODULE=$MODULE KPKI_TEST_SIGN_DELAY_MS=30 KPKI_TEST_INFLIGHT_LOG=$WORK/inflight
uri() { echo "pkcs11:token=sess;object=$1?pin-source=file:$WORK/hsm/user-pin&module-path=$FWD"; }
cluster_yaml 6 uri >cluster.yaml
most() { cat "$WORK/inflight"; }
# in_flight WHAT LOW HIGH CMD...: CMD succeeds; the most signatures at once is in [LOW, HIGH].
in_flight() {
  local what=$1 low=$2 high=$3; shift 3
  rm -f "$WORK/inflight"
  expect_ok "$what" "$@"
  local n; n=$(most 2>/dev/null || echo 0)
  if [ "$n" -ge "$low" ] && [ "$n" -le "$high" ]; then pass; else
    fail "$what: $n signatures in flight at most, expected $low..$high"; fi
}

in_flight "init --token-sessions 4" 2 4 "$KPKI" init --config cluster.yaml --dir t4 --token-sessions 4
in_flight "init --token-sessions 1" 1 1 "$KPKI" init --config cluster.yaml --dir t1 --token-sessions 1
in_flight "init, the default (16 sessions)" 2 16 "$KPKI" init --config cluster.yaml --dir td
in_flight "certs renew all --token-sessions 3" 2 3 \
  "$KPKI" certs renew all --dir t4/nodes/cp1 --config cluster.yaml --token-sessions 3
expect_ok "the renewed apiserver certificate verifies" \
  openssl verify -CAfile t4/nodes/cp1/pki/ca.crt t4/nodes/cp1/pki/apiserver.crt

# ca rotate: begin signs one certificate; reissue signs every leaf of the CA, N at a time.
expect_ok "ca rotate etcd-ca begin" \
  "$KPKI" ca rotate etcd-ca --dir t4 --config cluster.yaml --phase begin --token-sessions 2
in_flight "ca rotate etcd-ca reissue --token-sessions 2" 2 2 \
  "$KPKI" ca rotate etcd-ca --dir t4 --config cluster.yaml --phase reissue --token-sessions 2
expect_ok "a reissued etcd certificate verifies under the new CA" openssl verify -CAfile \
  t4/rotation/etcd-ca/1/new.crt t4/nodes/cp1/pki/etcd/server.crt

# A token that allows 4 sessions: one holds the login, 3 sign.
export KPKI_TEST_MAX_SESSIONS=4
rm -f "$WORK/inflight"
out=$("$KPKI" init --config cluster.yaml --dir tcap --token-sessions 16 2>&1 >/dev/null) && pass ||
  fail "init on a token of 4 sessions: $out"
n=$(most); [ "$n" -ge 2 ] && [ "$n" -le 3 ] && pass || fail "capped token: $n in flight, expected 2..3"
case $out in
  *"token 'sess' (serial "*") allows 4 sessions: signing with at most 3 at once"*) pass ;;
  *) fail "no warning naming the token and its limit: $out" ;;
esac
[ "$(printf '%s\n' "$out" | grep -c 'allows 4 sessions')" = 1 ] && pass || fail "the warning is not once: $out"
finish
