#!/usr/bin/env bash
# kpki's token keys from OpenSSL's pkcs11 engine (libp11 0.4.12, Debian libengine-pkcs11-openssl)
# and token keys from pkcs11-tool in kpki, on a SoftHSM token made by hsm-setup/make-token.sh:
#  - openssl x509 -req -engine pkcs11 signs a CSR with the CA key kpki generated; kpki verify
#    accepts the result;
#  - openssl req -engine pkcs11 makes a CSR with a token key kpki generated; kpki sign accepts it;
#  - pkcs11-tool --keypairgen keys (RSA, EC) open in kpki through pkcs11: and libp11:, by label
#    and by id.
# The token holds no Ed25519 key: the engine crashes on such a token (docs/hsm.md). PINs reach
# openssl through the key URI's pin-source=file:, pkcs11-tool through env:, never argv.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
ENGINE=/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so
[ -r "$ENGINE" ] || { echo "SKIP: libengine-pkcs11-openssl not installed (hsm-setup/install-deps.sh)"; exit 77; }
require_softhsm pkcs11-tool openssl

TOKEN=kpki-engine
eval "$("$KPKI_SOURCE_DIR/hsm-setup/make-token.sh" --dir "$WORK/hsm" --label $TOKEN --keys \
  --kpki "$KPKI" 2>/dev/null)"
PIN="$WORK/hsm/user-pin"
export PKCS11_MODULE_PATH=$MODULE  # the engine's module
cd "$WORK"

# --- kpki's CA key signs through the engine -------------------------------------------------
expect_ok "kpki ca create on the token" "$KPKI" ca create \
  --key "pkcs11:token=$TOKEN;object=kubernetes-ca?pin-source=file:$PIN" --cn kubernetes --out ca.crt
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key \
  -subj /CN=engine-leaf -out leaf.csr 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > leaf.ext
expect_ok "openssl x509 -req -engine pkcs11 signs with kpki's CA key" \
  openssl x509 -req -engine pkcs11 -CAkeyform engine \
  -CAkey "pkcs11:token=$TOKEN;object=kubernetes-ca;pin-source=file:$PIN" \
  -CA ca.crt -in leaf.csr -days 1 -set_serial 0x1234 -extfile leaf.ext -out leaf.crt
expect_ok "kpki verify accepts the engine-signed certificate" "$KPKI" verify --ca ca.crt leaf.crt \
  --purpose client

# --- a token key kpki generated makes a CSR through the engine ------------------------------
expect_ok "kpki key generate client key on the token" "$KPKI" key generate \
  "pkcs11:token=$TOKEN;object=engine-client?pin-source=file:$PIN" --algorithm ecdsa-p256
expect_ok "openssl req -engine pkcs11 makes a CSR with kpki's token key" \
  openssl req -new -engine pkcs11 -keyform engine \
  -key "pkcs11:token=$TOKEN;object=engine-client;pin-source=file:$PIN" \
  -subj /CN=engine-client -out client.csr
expect_ok "kpki sign accepts the engine-made CSR" "$KPKI" sign --ca-cert ca.crt \
  --ca-key "pkcs11:token=$TOKEN;object=kubernetes-ca?pin-source=file:$PIN" \
  --csr client.csr --profile client --out client.crt
expect_ok "the signed certificate verifies" openssl verify -CAfile ca.crt client.crt
expect_ok "it certifies the token key" test \
  "$(openssl x509 -in client.crt -noout -pubkey)" = "$(openssl req -in client.csr -noout -pubkey)"

# --- pkcs11-tool's keys in kpki, through both drivers ---------------------------------------
keygen() {  # LABEL ID KEY_TYPE
  KPKI_USER_PIN=$(cat "$PIN") pkcs11-tool --module "$MODULE" --token-label $TOKEN --login \
    --pin env:KPKI_USER_PIN --keypairgen --key-type "$3" --label "$1" --id "$2" >/dev/null 2>&1
}
expect_ok "pkcs11-tool RSA key pair" keygen tool-rsa 0a01 rsa:2048
expect_ok "pkcs11-tool EC key pair" keygen tool-ec 0a02 EC:prime256v1
for key in tool-rsa:%0a%01 tool-ec:%0a%02; do
  label=${key%%:*} id=${key#*:}
  for scheme in pkcs11 libp11; do
    for sel in "object=$label" "id=$id"; do
      out="$scheme-${sel%%=*}-$label.crt"
      expect_ok "$scheme $sel ($label) opens in kpki" "$KPKI" ca create \
        --key "$scheme:token=$TOKEN;$sel?pin-source=file:$PIN" --cn "$label" --out "$out"
      expect_ok "$scheme $sel ($label) CA self-verifies" openssl verify -CAfile "$out" "$out"
    done
  done
  expect_ok "$label: same key through both drivers" test \
    "$(openssl x509 -in "pkcs11-object-$label.crt" -noout -pubkey)" = \
    "$(openssl x509 -in "libp11-id-$label.crt" -noout -pubkey)"
done

# --- an Ed25519 key on a token: kpki warns that libp11-based tools break there ----------------
"$KPKI_SOURCE_DIR/hsm-setup/make-token.sh" --dir "$WORK/hsm" --label ed-token >/dev/null 2>&1
ed_out=$("$KPKI" key generate "pkcs11:token=ed-token;object=ed?pin-source=file:$PIN" \
  --algorithm ed25519 2>&1) && ed_rc=0 || ed_rc=$?
expect_ok "ed25519 key generated on its own token" test "$ed_rc" -eq 0
expect_ok "kpki warns that libp11-based tools break on that token" \
  grep -q "breaks libp11-based tools" <<<"$ed_out"

finish
