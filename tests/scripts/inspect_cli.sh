#!/usr/bin/env bash
# `kpki inspect` reads everything kpki writes (issue 23): certificates, CSRs, CRLs with their
# revoked entries (PEM and DER), kubeconfigs (server, user, each embedded certificate, the client
# key's public part), private keys (file, encrypted file, token URI: the public part only, never
# private material), public keys and the ledger (its records); text and JSON agree with openssl.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
cd "$WORK"
"$KPKI" ca create --key ca.key --cn test-ca --out ca.crt >/dev/null 2>&1
"$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile server --cn api --dns api.local --key api.key --out api.crt >/dev/null 2>&1
"$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile client --cn gone --key gone.key --out gone.crt >/dev/null 2>&1
GONE=$(openssl x509 -in gone.crt -noout -serial | cut -d= -f2)
"$KPKI" revoke "$GONE" --reason keyCompromise --ca-cert ca.crt >/dev/null
"$KPKI" crl --ca-cert ca.crt --ca-key ca.key --out crl.pem >/dev/null
openssl crl -in crl.pem -outform DER -out crl.der
"$KPKI" kubeconfig user --client-name jane --org dev --ca-cert ca.crt --ca-key ca.key --server https://k8s.example.com:6443 --out jane.conf >/dev/null
"$KPKI" csr --key node.key --cn node-1 --dns node-1.local --out node.csr >/dev/null 2>&1
printf 'horse battery\n' >pass && chmod 600 pass
"$KPKI" key generate enc.key --algorithm ecdsa-p384 --passphrase-file pass >/dev/null
# J FILE [FLAGS]: `inspect FILE -o json`, run once per file and kept.
J() {
  local cache="json-$(printf '%s' "$*" | md5sum | cut -c1-12)"
  [ -e "$cache" ] || "$KPKI" inspect "$@" -o json >"$cache"
  cat "$cache"
}
val() { python3 -c 'import json,sys; v=json.load(sys.stdin); [v := v[int(k) if k.isdigit() else k] for k in sys.argv[1].split(".")]; print(v)' "$1"; }

# CRLs, PEM and DER: the revoked entries.
for f in crl.pem crl.der; do
  expect_ok "$f: kind" test "$(J $f | val kind)" = CertificateRevocationList
  expect_ok "$f: the revoked serial and reason" test "$(J $f | val revoked.0.serial) $(J $f | val revoked.0.reason)" = "$GONE keyCompromise"
  expect_ok "$f: number 1" test "$(J $f | val number)" = 1
done
"$KPKI" inspect crl.pem >crl.txt
expect_ok "CRL text: the entry on one line" grep -qE "^revoked: $GONE  [0-9T:-]+Z  keyCompromise$" crl.txt
expect_ok "CRL text: the issuer" grep -qx "issuer: CN=test-ca" crl.txt

# A kubeconfig: cluster, server, user, both certificates, the key's public part.
expect_ok "kubeconfig: server and user" test "$(J jane.conf | val server) $(J jane.conf | val user)" = "https://k8s.example.com:6443 jane"
expect_ok "kubeconfig: the client certificate" test "$(J jane.conf | val clientCertificate.subject.text)" = "CN=jane, O=dev"
expect_ok "kubeconfig: the CA" test "$(J jane.conf | val certificateAuthority.subject.text)" = "CN=test-ca"
expect_ok "kubeconfig: the key matches" test "$(J jane.conf | val clientKey.matchesCertificate)" = True
"$KPKI" inspect jane.conf >jane.txt
expect_ok "kubeconfig text: server" grep -qx "server: https://k8s.example.com:6443" jane.txt
expect_ok "kubeconfig text: client certificate" grep -qx "clientCertificate.subject: CN=jane, O=dev" jane.txt

# Keys: the public part only, the same as openssl derives.
expect_ok "key file: public key as openssl sees it" test "$(J api.key | val publicKeyPem)" = "$(openssl pkey -in api.key -pubout)"
expect_ok "encrypted key with --key-passphrase-file" test "$(J enc.key --key-passphrase-file pass | val publicKey.curve)" = P-384
expect_error "encrypted key without a passphrase" "enc.key" "$KPKI" inspect enc.key </dev/null
for f in api.key enc.key jane.conf; do
  "$KPKI" inspect "$f" --key-passphrase-file pass >out.txt 2>&1; "$KPKI" inspect "$f" --key-passphrase-file pass -o json >>out.txt 2>&1
  expect_ok "$f: nothing private shown" sh -c "! grep -qE 'PRIVATE|client-key-data' out.txt"
done
# A certificate, a CSR, a public key, as before.
expect_ok "certificate: serial" test "$(J api.crt | val serial)" = "$(openssl x509 -in api.crt -noout -serial | cut -d= -f2)"
expect_ok "CSR: kind" test "$(J node.csr | val kind)" = CertificateRequest
"$KPKI" key public api.key --out api.pub >/dev/null
expect_ok "public key: kind" test "$(J api.pub | val kind)" = PublicKey

# The ledger: its records, as ledger list.
expect_ok "ledger: every record" test "$(J ledger.db | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')" = 4
expect_ok "ledger text: the header" sh -c "'$KPKI' inspect ledger.db | head -1 | grep -q '^SERIAL  *STATE'"
expect_ok "ledger text: the revoked one" sh -c "'$KPKI' inspect ledger.db | grep -q '^$GONE  *released  *[0-9T:-]*Z keyCompromise'"

# A key on a token, by its URI.
if softhsm_available; then
  make_token inspect
  U="pkcs11:token=inspect;object=k?pin-source=file:$WORK/hsm/user-pin"
  "$KPKI" key generate "$U" --algorithm ecdsa-p256 >/dev/null
  expect_ok "token key URI: its public part" test "$(J "$U" | val publicKey.type) $(J "$U" | val kind)" = "EC PrivateKey"
fi
# What is none of these: one line naming the file.
printf 'hello\n' >junk.txt
expect_error "junk" "junk.txt" "$KPKI" inspect junk.txt
finish
