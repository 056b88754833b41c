#!/usr/bin/env bash
# The CA key on a fresh SoftHSM token (made by hsm-setup/make-token.sh in a temp dir): for every
# algorithm, kpki ca create + issue server/client/peer with the token key; OpenSSL and GnuTLS
# verify the results; no CA private key file appears; token failures are one-line errors; the
# hsm verbs work; and the same through p11-kit's remote module (p11-kit server + client).
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
CLIENT_MODULE=/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so
require_softhsm pkcs11-tool certtool

TOKEN=kpki-cli
make_token $TOKEN
[[ "$SOFTHSM2_CONF" == "$WORK/hsm/softhsm2.conf" ]] || { echo "make-token did not set SOFTHSM2_CONF"; exit 1; }
PIN="$WORK/hsm/user-pin"
expect_ok "user-pin is 0600" test "$(stat -c %a "$PIN")" = 600
uri() { echo "pkcs11:token=$TOKEN;object=$1?pin-source=file:$PIN"; }  # module: $KPKI_PKCS11_MODULE

SERVER_OID=1.3.6.1.5.5.7.3.1
CLIENT_OID=1.3.6.1.5.5.7.3.2

# issue_and_verify DIR CA_KEY_URI LABEL: server, client and peer certs from the CA in DIR.
issue_and_verify() {
  local d=$1 ca_key=$2 what=$3
  for profile in server client peer; do
    expect_ok "$what issue $profile" "$KPKI" issue --ca-cert "$d/ca.crt" --ca-key "$ca_key" \
      --profile $profile --cn "node-$profile" --dns node.example.com --ip 10.0.0.1 \
      --algorithm ecdsa-p256 --key "$d/$profile.key" --out "$d/$profile.crt"
  done
  for profile in server peer; do
    expect_ok "$what openssl sslserver $profile" openssl verify -x509_strict -purpose sslserver \
      -verify_hostname node.example.com -CAfile "$d/ca.crt" "$d/$profile.crt"
    expect_ok "$what certtool server $profile" certtool --verify --load-ca-certificate "$d/ca.crt" \
      --infile "$d/$profile.crt" --verify-hostname node.example.com --verify-purpose $SERVER_OID
  done
  for profile in client peer; do
    expect_ok "$what openssl sslclient $profile" openssl verify -x509_strict -purpose sslclient \
      -CAfile "$d/ca.crt" "$d/$profile.crt"
    expect_ok "$what certtool client $profile" certtool --verify --load-ca-certificate "$d/ca.crt" \
      --infile "$d/$profile.crt" --verify-purpose $CLIENT_OID
  done
}

for alg in rsa-2048 rsa-3072 rsa-4096 ecdsa-p256 ecdsa-p384 ed25519; do
  d="$WORK/$alg"; mkdir -p "$d"
  expect_ok "$alg ca create on token" "$KPKI" ca create --key "$(uri ca-$alg)" --generate \
    --algorithm "$alg" --cn "hsm-ca-$alg" --out "$d/ca.crt"
  [ -f "$d/ca.crt" ] || { fail "$alg: no CA certificate"; continue; }
  expect_ok "$alg ca self-verifies" openssl verify -x509_strict -CAfile "$d/ca.crt" "$d/ca.crt"
  issue_and_verify "$d" "$(uri ca-$alg)" "$alg"
  # The only private keys on disk are the three leaf keys: the CA key stayed on the token.
  keys=$(grep -rl "PRIVATE KEY" "$d" | wc -l)
  expect_ok "$alg no CA private key file" test "$keys" -eq 3
  # ca create with an existing token key uses it (same public key).
  expect_ok "$alg ca create reuses key" "$KPKI" ca create --key "$(uri ca-$alg)" --cn again \
    --out "$d/ca2.crt"
  expect_ok "$alg same key" test "$(openssl x509 -in "$d/ca.crt" -noout -pubkey)" = \
    "$(openssl x509 -in "$d/ca2.crt" -noout -pubkey)"
done
# The working directories hold no stray key files either (e.g. a "pkcs11:..." file).
expect_ok "no file named after a URI" test -z "$(find "$WORK" -name 'pkcs11:*'; find . -maxdepth 1 -name 'pkcs11:*')"
# Attributes read back from the token: sensitive, not extractable.
expect_ok "hsm keys json" sh -c "'$KPKI' hsm keys '$(uri x | sed 's/;object=x//')' -o json > '$WORK/keys.json'"
expect_ok "keys sensitive" python3 -c "
import json,sys; keys=json.load(open('$WORK/keys.json'))['items']
priv=[k for k in keys if k['class']=='private']
assert len(priv)==6, priv
assert all(k['sensitive'] is True and k['extractable'] is False and k['neverExtractable'] is True for k in priv), priv"
expect_ok "hsm tokens json" sh -c "'$KPKI' hsm tokens -o json | python3 -c \"
import json,sys; t=json.load(sys.stdin)['items']; assert any(s.get('label')=='$TOKEN' for s in t), t\""
expect_ok "hsm tokens text" sh -c "'$KPKI' hsm tokens | grep -q '$TOKEN'"
expect_ok "hsm keys text" sh -c "'$KPKI' hsm keys 'pkcs11:token=$TOKEN?pin-source=$PIN' | grep -q 'ca-ed25519'"

# Failures: one line, exit != 0, nothing written.
d="$WORK/ecdsa-p256"
echo "wrong-pin-0000" > "$WORK/bad-pin" && chmod 600 "$WORK/bad-pin"
# Scripts match the exit code (7 = PinIncorrect), not the CK_RV's name.
rc=0; out=$("$KPKI" issue --ca-cert "$d/ca.crt" --profile server --cn x --key "$WORK/x.key" \
  --ca-key "pkcs11:token=$TOKEN;object=ca-ecdsa-p256?pin-source=file:$WORK/bad-pin" \
  --out "$WORK/x.crt" 2>&1) || rc=$?
expect_ok "wrong PIN exit 7 (PinIncorrect)" test "$rc" -eq 7
expect_ok "wrong PIN one line" test "$(printf '%s\n' "$out" | grep -c .)" -eq 1
expect_ok "wrong PIN wrote nothing" test ! -e "$WORK/x.crt" -a ! -e "$WORK/x.key"
rc=0; out=$("$KPKI" ca create --key "pkcs11:token=$TOKEN;object=ca-ecdsa-p256?pin-value=s3cret-9876" \
  --cn x --out "$WORK/y.crt" 2>&1) || rc=$?
expect_ok "pin-value wrong PIN exit 7" test "$rc" -eq 7
expect_ok "pin-value not echoed" sh -c "! printf '%s' '$out' | grep -q s3cret-9876"
expect_ok "pin-value warning" sh -c "printf '%s' '$out' | grep -q 'process listing'"
# SoftHSM flags the token CKF_USER_PIN_COUNT_LOW after failed logins (until one succeeds): the next
# login warns, and succeeds.
expect_ok "count-low warning after wrong PINs" sh -c "'$KPKI' key public '$(uri ca-ecdsa-p256)' 2>&1 >/dev/null | grep -q 'warning: .*CKF_USER_PIN_COUNT_LOW'"
expect_error "missing token lists tokens" "no token matching.*tokens present: token=$TOKEN" \
  "$KPKI" ca create --key "pkcs11:token=nope;object=ca?pin-source=$PIN" --cn x --out "$WORK/z.crt"
expect_error "missing key lists keys" "no private key matching object=absent.*'ca-rsa-2048'" \
  "$KPKI" issue --ca-cert "$d/ca.crt" --ca-key "$(uri absent)" --profile server --cn x \
  --key "$WORK/x.key" --out "$WORK/x.crt"
expect_error "duplicate label" "already exists" "$KPKI" key generate "$(uri ca-rsa-2048)" --algorithm ecdsa-p256
# A token object is never overwritten, so the CLI offers no --force for it.
out=$("$KPKI" key generate "$(uri ca-rsa-2048)" --algorithm ecdsa-p256 2>&1) || true
expect_ok "duplicate label: no --force hint" sh -c "! printf '%s' \"\$1\" | grep -q -- --force" _ "$out"
expect_error "bad URI" "invalid PKCS#11 URI.*slot-id" "$KPKI" key generate "pkcs11:slot-id=1;object=a" --algorithm ecdsa-p256
expect_error "missing module" "does not exist" "$KPKI" hsm tokens --pkcs11-module /nonexistent/module.so
expect_ok "failures wrote nothing" test ! -e "$WORK/x.crt" -a ! -e "$WORK/z.crt" -a ! -e "$WORK/y.crt"

# p11-kit remote: the token exported by p11-kit server, kpki through p11-kit-client.so.
if command -v p11-kit >/dev/null && [ -r "$CLIENT_MODULE" ]; then
  setsid p11-kit server -f -s --provider "$MODULE" -n "$WORK/p11kit.sock" "pkcs11:token=$TOKEN" \
    > "$WORK/server.env" 2> "$WORK/server.err" &
  server_pid=$!
  trap 'kill -- -$server_pid 2>/dev/null || kill $server_pid 2>/dev/null || true; rm -rf "$WORK"' EXIT
  for _ in $(seq 50); do grep -q P11_KIT_SERVER_ADDRESS "$WORK/server.env" && break; sleep 0.1; done
  address=$(sed -n 's/^P11_KIT_SERVER_ADDRESS=\([^;]*\);.*/\1/p' "$WORK/server.env")
  if [ -z "$address" ]; then
    fail "p11-kit server did not start: $(cat "$WORK/server.err")"
  else
    d="$WORK/remote"; mkdir -p "$d"
    remote() { env -u SOFTHSM2_CONF P11_KIT_SERVER_ADDRESS="$address" KPKI_PKCS11_MODULE="$CLIENT_MODULE" "$@"; }
    expect_ok "remote hsm tokens" sh -c "P11_KIT_SERVER_ADDRESS='$address' '$KPKI' hsm tokens --pkcs11-module '$CLIENT_MODULE' | grep -q '$TOKEN'"
    expect_ok "remote ca create" remote "$KPKI" ca create --key "$(uri remote-ca)" --generate --algorithm ecdsa-p384 \
      --cn remote-ca --out "$d/ca.crt"
    issue_and_verify "$d" "$(uri remote-ca)" "remote"
    expect_ok "remote key is on the token" sh -c "'$KPKI' hsm keys 'pkcs11:token=$TOKEN?pin-source=$PIN' | grep -q remote-ca"
  fi
  kill -- -$server_pid 2>/dev/null || kill $server_pid 2>/dev/null || true
  wait $server_pid 2>/dev/null || true
else
  echo "note: p11-kit client module missing, remote test skipped"
fi

finish
