#!/usr/bin/env bash
# Keys that want the PIN before every signature (CKA_ALWAYS_AUTHENTICATE, a PIV card's signature
# slot), made by pkcs11-tool --always-auth on SoftHSM and used through the forwarding test module,
# which logs each C_Login (user type, result) and each C_Sign: every signature gets exactly one
# CKU_CONTEXT_SPECIFIC login (ca create, issue, init of 1 control plane + 1 worker); a wrong PIN
# costs one C_Login and ends the run with one line; the PIN flags are checked before each context
# login; libp11: refuses such keys with the reason.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
require_softhsm pkcs11-tool
FWD=$(test_module forward)
cd "$WORK"

make_token aa
export KPKI_TEST_FORWARD_MODULE=$MODULE KPKI_TEST_LOGIN_LOG=$WORK/logins
uri() { echo "pkcs11:token=aa;object=$1?pin-source=file:${2:-$PIN}&module-path=$FWD"; }
count() { [ -f "$KPKI_TEST_LOGIN_LOG" ] || { echo 0; return; }; grep -c "^$1\$" "$KPKI_TEST_LOGIN_LOG" || true; }
context_ok() { count "C_Login CKU_CONTEXT_SPECIFIC CKR_OK"; }
signs() { count C_Sign; }
# kpki without its warning about pkcs11-tool's keys allowing decrypt and unwrap (SoftHSM's default),
# so that the error checks below see kpki's one line.
kp() {
  local rc=0
  "$KPKI" "$@" 2>"$WORK/kp.err" || rc=$?
  grep -v 'allows more than signing' "$WORK/kp.err" >&2 || true
  return $rc
}
flags_after_login() { KPKI_TEST_TOKEN_FLAGS_AFTER_LOGIN=$1 kp "${@:2}"; }

# pkcs11-tool takes the PIN in argv; this is a throw-away test token.
id=1
for label in aa kubernetes-ca etcd-ca front-proxy-ca; do
  expect_ok "pkcs11-tool --always-auth $label" pkcs11-tool --module "$MODULE" --token-label aa \
    --login --pin "$(cat "$PIN")" --keypairgen --key-type EC:prime256v1 --label $label \
    --id "0$id" --always-auth --usage-sign
  id=$((id + 1))
done
expect_ok "control: the key has CKA_ALWAYS_AUTHENTICATE" sh -c \
  "pkcs11-tool --module '$MODULE' --token-label aa --login --pin '$(cat "$PIN")' --list-objects --type privkey | grep -q 'Access:.*always authenticate'"

# --- ca create, issue: one context login per signature ------------------------------------------
rm -f "$KPKI_TEST_LOGIN_LOG"
expect_ok "ca create with an always-auth key" kp ca create --key "$(uri aa)" --cn aa-root --out ca.crt
expect_ok "ca create: one C_Sign" test "$(signs)" = 1
expect_ok "ca create: one context login" test "$(context_ok)" = 1
expect_ok "ca create: one user login" test "$(count "C_Login CKU_USER CKR_OK")" = 1
expect_ok "the CA verifies" openssl verify -x509_strict -CAfile ca.crt ca.crt
rm -f "$KPKI_TEST_LOGIN_LOG"
expect_ok "issue with an always-auth CA key" kp issue --ca-cert ca.crt --ca-key "$(uri aa)" \
  --profile server --cn node --dns node.example.com --algorithm ecdsa-p256 --key node.key --out node.crt
expect_ok "issue: one C_Sign, one context login" test "$(signs):$(context_ok)" = "1:1"
expect_ok "issued certificate verifies" openssl verify -x509_strict -CAfile ca.crt node.crt

# --- init: 1 control plane + 1 worker, the three CA keys always-auth --------------------------
cluster() {
  cat <<YAML
apiVersion: kpki/v1alpha1
kind: ClusterPKI
controlPlaneEndpoint: 127.0.0.1:6443
encryptionAlgorithm: ECDSA-P256
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane}
  - {name: w1, address: 10.0.0.21, role: worker}
caKeys:
  ca: $(uri kubernetes-ca)
  etcd-ca: $(uri etcd-ca "${1:-$PIN}")
  front-proxy-ca: $(uri front-proxy-ca "${1:-$PIN}")
YAML
}
cluster >cluster.yaml
rm -f "$KPKI_TEST_LOGIN_LOG"
expect_ok "init with always-auth CA keys" kp init --config cluster.yaml --dir out
n=$(signs)
echo "init, 1 control plane + 1 worker: $n signatures, $(context_ok) context logins"
expect_ok "init signed on the token (C_Sign: $n)" test "$n" -gt 3
expect_ok "init: context logins ($(context_ok)) = signatures ($n)" test "$(context_ok)" = "$n"
expect_ok "init: no failed login" test "$(grep -c -v 'CKR_OK$\|^C_Sign$' "$KPKI_TEST_LOGIN_LOG")" = 0
# Independent of the module's count: every certificate init wrote was signed by one of the three
# CAs on the token (the CA certificates by themselves), one signature each, also those inside
# the kubeconfigs.
certs=$( (find out -name '*.crt' -exec openssl x509 -noout -serial -in {} \;
  find out -name '*.conf' -exec sh -c "sed -n 's/^ *client-certificate-data: *\"*\([^\"]*\)\"*\$/\\1/p' {} | base64 -d |
    openssl x509 -noout -serial" \;) | sort -u | wc -l)
expect_ok "init: signatures ($n) = distinct certificates ($certs)" test "$n" = "$certs"

# --- PIN flags before each context login ------------------------------------------------------
rm -f "$KPKI_TEST_LOGIN_LOG"
expect_error "final try reported after the user login" "has one try left, not attempting a login" \
  flags_after_login final_try ca create --key "$(uri aa)" --cn x --out ft.crt
expect_ok "final try: no context login" test "$(count 'C_Login CKU_CONTEXT_SPECIFIC.*')" = 0
expect_error "locked after the user login" "user PIN of token 'aa' .* is locked" \
  flags_after_login locked ca create --key "$(uri aa)" --cn x --out lk.crt
expect_ok "locked: no context login" test "$(count 'C_Login CKU_CONTEXT_SPECIFIC.*')" = 0
KPKI_TEST_TOKEN_FLAGS_AFTER_LOGIN=count_low kp ca create --key "$(uri aa)" --cn x --out cl.crt \
  2>count-low.err >/dev/null && pass || fail "count_low after the user login: $(cat count-low.err)"
expect_ok "count_low warns before the context login" grep -q 'warning: .*CKF_USER_PIN_COUNT_LOW' count-low.err

# --- libp11: refused, with the reason ---------------------------------------------------------
expect_error "libp11: always-auth key refused" \
  "requires a PIN for every signature \(CKA_ALWAYS_AUTHENTICATE\).*use the same URI with pkcs11:" \
  kp ca create --key "libp11:token=aa;object=aa?pin-source=file:$PIN&module-path=$MODULE" --cn x --out l.crt

# --- a wrong PIN: one C_Login, one line, never a second try -----------------------------------
printf 'wrong-pin\n' >wrong-pin && chmod 600 wrong-pin
# The user login (kubernetes-ca's URI, right PIN) succeeds; the first signature with etcd-ca's
# key logs in with its URI's wrong PIN file: that one context login fails and the run stops,
# although init signs with several threads and front-proxy-ca has the same wrong PIN.
cluster "$WORK/wrong-pin" >wrong.yaml
rm -f "$KPKI_TEST_LOGIN_LOG"
expect_error "init: wrong PIN at the first signature with etcd-ca's key" \
  "wrong PIN for token 'aa'.*not retried" kp init --config wrong.yaml --dir out-wrong
expect_ok "init wrong PIN: one failed C_Login in all" \
  test "$(count 'C_Login CKU_CONTEXT_SPECIFIC CKR_PIN_INCORRECT'):$(count 'C_Login.*CKR_PIN_INCORRECT')" = 1:1
expect_ok "init wrong PIN: the user login succeeded" test "$(count 'C_Login CKU_USER CKR_OK')" = 1

# SoftHSM reports CKF_USER_PIN_COUNT_LOW after a failed login until one succeeds: clear it, so
# the next error is one line again.
expect_ok "a good login clears the count" kp key public "$(uri aa)"
rm -f "$KPKI_TEST_LOGIN_LOG"
expect_error "ca create with a wrong PIN file" "wrong PIN for token 'aa'.*not retried" \
  kp ca create --key "$(uri aa wrong-pin)" --cn x --out wrong.crt
expect_ok "wrong PIN: exactly one C_Login" test "$(count 'C_Login.*')" = 1
expect_ok "wrong PIN: nothing written" test ! -e wrong.crt
finish
