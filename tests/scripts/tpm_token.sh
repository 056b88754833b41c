#!/usr/bin/env bash
# CA keys in a TPM 2.0 through tpm2-pkcs11: a software TPM (swtpm) behind tpm2-abrmd on a private
# session bus, started by hsm-setup/make-tpm-token.sh under $WORK and always stopped by the trap.
# kpki generates ECDSA P-256 and RSA-2048 CA keys there (sign-only, sensitive, never
# extractable, as pkcs11-tool reads them back), and ca create, issue, sign, init (1 CP + 2
# workers, all three CA keys in the TPM), crl, ca rotate and certs renew work with them; OpenSSL
# verifies every result.
source "$(dirname "$0")/lib/common.sh"
MODULE=/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so
for tool in swtpm tpm2-abrmd dbus-daemon tpm2_ptool tpm2_getrandom pkcs11-tool; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed (hsm-setup/install-deps.sh)"; exit 77; }
done
[ -r "$MODULE" ] || { echo "SKIP: tpm2-pkcs11 module $MODULE not installed"; exit 77; }
"$KPKI" hsm --help >/dev/null 2>&1 || { echo "SKIP: kpki built without PKCS#11"; exit 77; }

TPM="$WORK/tpm"
MAKE_TPM="$KPKI_SOURCE_DIR/hsm-setup/make-tpm-token.sh"
trap 'for d in "$TPM" "$WORK/bad"; do [ -d "$d" ] && "$MAKE_TPM" --stop "$d" >/dev/null 2>&1; done; rm -rf "$WORK"' EXIT
TOKEN=kpki-tpm
env_lines=$("$MAKE_TPM" --dir "$TPM" --label $TOKEN 2>"$WORK/make-tpm.err") || {
  echo "make-tpm-token.sh failed: $(cat "$WORK/make-tpm.err")"; exit 1; }
eval "$env_lines"
[[ "$TPM2_PKCS11_STORE" == "$TPM/store" ]] || { echo "make-tpm-token did not set TPM2_PKCS11_STORE"; exit 1; }
PIN="$KPKI_TPM_PIN_FILE"
expect_ok "user-pin is 0600" test "$(stat -c %a "$PIN")" = 600
expect_ok "swtpm, abrmd and dbus-daemon pid files" test -s "$TPM/swtpm.pid" -a -s "$TPM/tpm2-abrmd.pid" -a -s "$TPM/dbus-daemon.pid"
expect_ok "no PIN in the daemons' command lines" sh -c "! grep -aqF '$(cat "$PIN")' /proc/$(cat "$TPM/tpm2-abrmd.pid")/cmdline /proc/$(cat "$TPM/swtpm.pid")/cmdline"
uri() { echo "pkcs11:token=$TOKEN;object=$1?module-path=$MODULE&pin-source=file:$PIN"; }
PT=(pkcs11-tool --module "$MODULE" --token-label "$TOKEN")

# private_key_attrs LABEL: pkcs11-tool's lines of the private key LABEL (its --label does not
# filter --list-objects, so the block is cut out here).
private_key_attrs() {
  KPKI_TPM_PIN=$(cat "$PIN") "${PT[@]}" --login --pin env:KPKI_TPM_PIN --list-objects --type privkey \
    2>/dev/null | awk -v want="$1" '
      /^[A-Z]/ { if (hit) exit; block = $0 "\n"; next }
      { block = block $0 "\n" }
      $1 == "label:" && $2 == want { hit = 1 }
      END { if (hit) printf "%s", block }'
}

for alg in ecdsa-p256 rsa-2048; do
  d="$WORK/$alg"; mkdir -p "$d"
  export KPKI_LEDGER="$d/ledger.db"
  key=$(uri "ca-$alg")
  expect_ok "$alg ca create" "$KPKI" ca create --key "$key" --generate --algorithm $alg --cn "TPM CA $alg" --out "$d/ca.crt"
  expect_ok "$alg CA self-signature" openssl verify -x509_strict -CAfile "$d/ca.crt" "$d/ca.crt"
  attrs=$(private_key_attrs "ca-$alg" || true)
  grep -Eq "Usage: +sign$" <<<"$attrs" && pass || fail "$alg: private key is not sign-only: $attrs"
  grep -Eq "Access: +sensitive, .*never extractable" <<<"$attrs" && pass \
    || fail "$alg: private key is not sensitive and never extractable: $attrs"
  keys=$("$KPKI" hsm keys "pkcs11:token=$TOKEN?module-path=$MODULE&pin-source=file:$PIN" 2>&1 || true)
  grep "ca-$alg" <<<"$keys" | grep -q private && pass || fail "$alg: kpki hsm keys does not list the key: $keys"
  expect_ok "$alg ca create again reuses the TPM key" "$KPKI" ca create --key "$key" --algorithm $alg \
    --cn again --out "$d/again.crt"
  expect_ok "$alg same public key" test "$(openssl x509 -in "$d/ca.crt" -noout -pubkey)" = \
    "$(openssl x509 -in "$d/again.crt" -noout -pubkey)"
  err=$("$KPKI" issue --ca-cert "$d/ca.crt" --ca-key "$key" --profile client --cn quiet \
    --key "$d/quiet.key" --out "$d/quiet.crt" 2>&1 >/dev/null | grep -vE '^(generated|wrote) ' || true)
  [ -z "$err" ] && pass || fail "$alg: the TPM module logged failures: $err"

  expect_ok "$alg issue server" "$KPKI" issue --ca-cert "$d/ca.crt" --ca-key "$key" --profile server \
    --cn node --dns node.example.com --ip 10.0.0.1 --key "$d/server.key" --out "$d/server.crt"
  expect_ok "$alg openssl verify server" openssl verify -x509_strict -purpose sslserver \
    -verify_hostname node.example.com -CAfile "$d/ca.crt" "$d/server.crt"

  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/csr.key" \
    -subj "/CN=from-csr" -out "$d/client.csr" 2>/dev/null
  expect_ok "$alg sign CSR" "$KPKI" sign --ca-cert "$d/ca.crt" --ca-key "$key" --csr "$d/client.csr" \
    --profile client --out "$d/client.crt"
  expect_ok "$alg openssl verify signed CSR" openssl verify -x509_strict -purpose sslclient -CAfile "$d/ca.crt" "$d/client.crt"

  expect_ok "$alg revoke" "$KPKI" revoke "$(openssl x509 -in "$d/client.crt" -noout -serial | cut -d= -f2)" --reason keyCompromise
  expect_ok "$alg crl" "$KPKI" crl --ca-cert "$d/ca.crt" --ca-key "$key" --out "$d/crl.pem"
  out=$(openssl crl -in "$d/crl.pem" -noout -verify -CAfile "$d/ca.crt" 2>&1 || true)
  grep -qx "verify OK" <<<"$out" && pass || fail "$alg: CRL signature: $out"
  if openssl verify -crl_check -CAfile "$d/ca.crt" -CRLfile "$d/crl.pem" "$d/client.crt" >/dev/null 2>&1; then
    fail "$alg: the revoked client certificate verifies with the CRL"; else pass; fi
  expect_ok "$alg server accepted with the CRL" openssl verify -crl_check -CAfile "$d/ca.crt" -CRLfile "$d/crl.pem" "$d/server.crt"
done
unset KPKI_LEDGER

# init: 1 control plane + 2 workers, the three CA keys generated in the TPM.
cluster_yaml 2 uri >"$WORK/cluster.yaml"
T="$WORK/tree"
expect_ok "init (CA keys in the TPM)" "$KPKI" init --config "$WORK/cluster.yaml" --dir "$T"
expect_ok "init: no CA key file in the tree" test -z "$(find "$T" -name 'ca.key' -o -name 'front-proxy-ca.key')"
cat "$T/pki/ca.crt" "$T/pki/etcd/ca.crt" "$T/pki/front-proxy-ca.crt" >"$WORK/cas.pem" 2>/dev/null || true
n=0
while read -r crt; do
  if openssl verify -x509_strict -CAfile "$WORK/cas.pem" "$crt" >/dev/null 2>&1; then n=$((n + 1)); else
    fail "init: $crt does not chain to the TPM CAs"; fi
done < <(find "$T/pki" "$T/nodes" -name '*.crt' 2>/dev/null)
[ "$n" -ge 10 ] && pass || fail "init: only $n certificates verified"
for label in kubernetes-ca etcd-ca front-proxy-ca; do
  attrs=$(private_key_attrs $label || true)
  grep -Eq "Usage: +sign$" <<<"$attrs" && grep -Eq "Access: +sensitive, .*never extractable" <<<"$attrs" && pass \
    || fail "init: $label is not a sign-only non-extractable TPM key: $attrs"
done
expect_ok "init re-run keeps everything" "$KPKI" init --config "$WORK/cluster.yaml" --dir "$T"

# ca rotate (the new etcd CA key generated in the TPM), then certs renew with the rotated config.
rot=("$KPKI" ca rotate etcd-ca --dir "$T" --config "$WORK/cluster.yaml")
expect_ok "ca rotate begin" "${rot[@]}" --phase begin
expect_ok "ca rotate reissue" "${rot[@]}" --phase reissue
expect_ok "ca rotate finish" "${rot[@]}" --phase finish --out-config "$WORK/rotated.yaml"
attrs=$(private_key_attrs etcd-ca-r1 || true)
grep -Eq "Usage: +sign$" <<<"$attrs" && grep -Eq "Access: +sensitive, .*never extractable" <<<"$attrs" && pass \
  || fail "rotate: new key etcd-ca-r1 is not a sign-only non-extractable TPM key: $attrs"
expect_ok "certs renew all (cp1)" "$KPKI" certs renew all --config "$WORK/rotated.yaml" --dir "$T/nodes/cp1"
cat "$T/pki/ca.crt" "$T/pki/etcd/ca.crt" "$T/pki/front-proxy-ca.crt" >"$WORK/cas.pem" 2>/dev/null || true
n=0
while read -r crt; do
  if openssl verify -x509_strict -CAfile "$WORK/cas.pem" "$crt" >/dev/null 2>&1; then n=$((n + 1)); else
    fail "rotate/renew: $crt does not chain to the TPM CAs"; fi
done < <(find "$T/nodes/cp1" -name '*.crt' 2>/dev/null)
[ "$n" -ge 5 ] && pass || fail "rotate/renew: only $n certificates of cp1 verified"

# ca import cannot put a private key into the TPM through tpm2-pkcs11: one line saying why.
expect_ok "file CA for import" "$KPKI" ca create --key "$WORK/file-ca.key" --algorithm ecdsa-p256 --cn file-ca --out "$WORK/file-ca.crt"
rc=0
out=$("$KPKI" ca import --key "$WORK/file-ca.key" --cert "$WORK/file-ca.crt" --to "$(uri imported-ca)" 2>&1) || rc=$?
[ "$rc" -ne 0 ] && [ "$(grep -c '^kpki: error:' <<<"$out")" -eq 1 ] \
  && grep -q "^kpki: error: .*tpm2-pkcs11 accepts no private key.*tpm2_ptool import" <<<"$out" && pass \
  || fail "ca import into the TPM: exit $rc: $out"
private_key_attrs imported-ca | grep -q "Private Key Object" && fail "ca import left a key on the TPM" || pass

# --stop kills exactly what make-tpm-token.sh started.
pids=$(cat "$TPM/swtpm.pid" "$TPM/tpm2-abrmd.pid" "$TPM/dbus-daemon.pid")
expect_ok "make-tpm-token.sh --stop" "$MAKE_TPM" --stop "$TPM"
alive=""
for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
[ -z "$alive" ] && pass || fail "daemons still running after --stop:$alive"

# A failure half-way (a resource manager that exits at once) prints `false` for the caller's
# eval and stops the swtpm and dbus-daemon already started.
mkdir -p "$WORK/badbin"
printf '#!/bin/sh\nexit 1\n' >"$WORK/badbin/tpm2-abrmd"
chmod +x "$WORK/badbin/tpm2-abrmd"
rc=0
out=$(PATH="$WORK/badbin:$PATH" "$MAKE_TPM" --dir "$WORK/bad" 2>/dev/null) || rc=$?
[ "$rc" -ne 0 ] && [ "$out" = false ] && pass || fail "failed make-tpm-token.sh: exit $rc, stdout '$out'"
expect_ok "failed make-tpm-token.sh left no pid files" test ! -e "$WORK/bad/swtpm.pid" -a ! -e "$WORK/bad/dbus-daemon.pid"
ps -eo args | grep -F "$WORK/bad/state" | grep -qv grep && fail "failed make-tpm-token.sh left swtpm running" || pass
finish
