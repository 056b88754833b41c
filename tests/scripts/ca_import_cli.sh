#!/usr/bin/env bash
# kpki ca import on fresh SoftHSM tokens. One key: --dry-run writes and imports nothing; the
# import puts a sign-only, sensitive, non-extractable key on the token (pkcs11-tool shows it);
# --remove-source removes the file and says so; the token key issues certificates OpenSSL
# verifies against the unchanged CA certificate; encrypted and botan: sources; duplicates, a
# wrong certificate, Ed25519 and a non-token target are one-line errors. Whole tree (kpki init
# with file CAs, 3 control-plane nodes + 1 worker): --dry-run changes no byte; a failure after two
# keys are on the token leaves every source file and no config, and a rerun resumes; with
# --remove-source no CA key file is left anywhere under OUT, nor a copy in another encoding
# (SEC1, CRLF, DER; an encrypted one is reported), sa.key stays, --out-config (0600) names the
# token keys, a pin-value token URI is refused rather than written into it, and
# `kpki certs renew all` on every node signs through the token.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
require_softhsm pkcs11-tool openssl

make_token imp-single
"$KPKI_SOURCE_DIR/hsm-setup/make-token.sh" --dir "$WORK/hsm" --label tree-ca --kpki "$KPKI" >/dev/null 2>&1
PIN="$WORK/hsm/user-pin"
S="$WORK/single" && mkdir -p "$S"
to() { echo "pkcs11:token=imp-single;object=$1?pin-source=file:$PIN"; }
token_objects() {  # token_objects LABEL: pkcs11-tool's listing (PIN through the environment)
  KPKI_USER_PIN=$(cat "$PIN") pkcs11-tool --module "$MODULE" --token-label "$1" --login \
    --pin env:KPKI_USER_PIN --list-objects 2>/dev/null
}

# --- one key ---------------------------------------------------------------------------------
"$KPKI" ca create --key "$S/ca.key" --cn kubernetes --out "$S/ca.crt" 2>/dev/null
sum_before=$(sha256sum "$S/ca.key")
expect_ok "dry run" sh -c "'$KPKI' ca import --key '$S/ca.key' --cert '$S/ca.crt' --to '$(to kubernetes-ca)' --remove-source --dry-run > '$WORK/dry.txt'"
expect_ok "dry run says what it would import" grep -q "would import .*kubernetes-ca" "$WORK/dry.txt"
expect_ok "dry run says what it would remove" grep -q "would remove .*$S/ca.key" "$WORK/dry.txt"
expect_ok "dry run left the key file" test "$(sha256sum "$S/ca.key")" = "$sum_before"
expect_ok "dry run imported nothing" sh -c "! '$KPKI' hsm keys 'pkcs11:token=imp-single?pin-source=file:$PIN' | grep -q kubernetes-ca"

expect_ok "import --remove-source" sh -c "'$KPKI' ca import --key '$S/ca.key' --cert '$S/ca.crt' --to '$(to kubernetes-ca)' --remove-source > '$WORK/import.txt'"
expect_ok "says it removed the file" grep -q "removed .*$S/ca.key (overwritten with zeros, fsync'd, unlinked)" "$WORK/import.txt"
expect_ok "says it checked the key against the certificate" grep -q "checked .*verifies against $S/ca.crt" "$WORK/import.txt"
expect_ok "the key file is gone" test ! -e "$S/ca.key"
token_objects imp-single >"$WORK/objects.txt"
expect_ok "pkcs11-tool lists the private key" grep -q "label:      kubernetes-ca" "$WORK/objects.txt"
priv=$(awk '/^Private Key Object/{p=1} p&&/^$/{exit} p' "$WORK/objects.txt")
expect_ok "pkcs11-tool: sensitive" sh -c "printf '%s\n' '$priv' | grep -q 'Access:.*sensitive'"
expect_ok "pkcs11-tool: not extractable" sh -c "! printf '%s\n' '$priv' | grep -qE 'Access:.*(^| )extractable'"
expect_ok "pkcs11-tool: usage sign only" sh -c "printf '%s\n' '$priv' | grep -qE 'Usage: +sign$'"
expect_ok "kpki hsm keys: not extractable" sh -c "'$KPKI' hsm keys 'pkcs11:token=imp-single?pin-source=file:$PIN' -o json | grep -q '\"extractable\": false'"
expect_ok "issue with the token key" "$KPKI" issue --ca-cert "$S/ca.crt" --ca-key "$(to kubernetes-ca)" \
  --profile server --cn node --dns node.example.com --key "$S/server.key" --out "$S/server.crt"
expect_ok "openssl verifies against the old CA certificate" openssl verify -CAfile "$S/ca.crt" "$S/server.crt"

# Encrypted PKCS#8 with a passphrase file, and a botan: key, keep their files without --remove-source.
printf 'import passphrase\n' >"$S/pass" && chmod 600 "$S/pass"
"$KPKI" ca create --key "$S/enc.key" --key-passphrase-file "$S/pass" --algorithm rsa-2048 --cn enc --out "$S/enc.crt" 2>/dev/null
expect_error "encrypted key without its passphrase" "encrypted" \
  "$KPKI" ca import --key "$S/enc.key" --cert "$S/enc.crt" --to "$(to enc)"
expect_ok "encrypted key with --key-passphrase-file" "$KPKI" ca import --key "$S/enc.key" \
  --key-passphrase-file "$S/pass" --cert "$S/enc.crt" --to "$(to enc)"
expect_ok "source kept without --remove-source" test -f "$S/enc.key"
if "$KPKI" ca create --key "botan:$S/b.key" --algorithm ecdsa-p384 --cn b --out "$S/b.crt" 2>/dev/null; then
  expect_ok "botan: key" "$KPKI" ca import --key "botan:$S/b.key" --cert "$S/b.crt" --to "$(to botan-ca)"
  expect_ok "issue with the imported botan key" "$KPKI" issue --ca-cert "$S/b.crt" --ca-key "$(to botan-ca)" \
    --profile client --cn c --key "$S/c.key" --out "$S/c.crt"
  expect_ok "verifies" openssl verify -CAfile "$S/b.crt" "$S/c.crt"
else
  echo "SKIP (visible): botan: part - built without Botan"
fi

# Errors: one line each, nothing changed.
"$KPKI" ca create --key "$S/other.key" --cn other --out "$S/other.crt" 2>/dev/null
expect_error "label taken by another key" "already holds another key|already exists" \
  "$KPKI" ca import --key "$S/other.key" --cert "$S/other.crt" --to "$(to kubernetes-ca)"
expect_error "key of another certificate" "is not the key of CA certificate" \
  "$KPKI" ca import --key "$S/other.key" --cert "$S/enc.crt" --to "$(to other)"
expect_error "target is not a token" "import" \
  "$KPKI" ca import --key "$S/other.key" --cert "$S/other.crt" --to "$S/copy.key"
"$KPKI" ca create --key "$S/ed.key" --algorithm ed25519 --cn ed --out "$S/ed.crt" 2>/dev/null
expect_error "Ed25519 refused" "Ed25519" "$KPKI" ca import --key "$S/ed.key" --cert "$S/ed.crt" --to "$(to ed)"
expect_error "mixed modes" "either --key" "$KPKI" ca import --key "$S/other.key" --dir "$S"
expect_ok "nothing was left on the token by the errors" sh -c "! '$KPKI' hsm keys 'pkcs11:token=imp-single?pin-source=file:$PIN' | grep -qE \"'(other|ed)'\""

# --- a whole tree ----------------------------------------------------------------------------
T="$WORK/tree"
cp "$KPKI_SOURCE_DIR/tests/data/cluster_3cp_1w.yaml" "$WORK/cluster.yaml"
"$KPKI" init --config "$WORK/cluster.yaml" --dir "$T" >/dev/null
TOKEN_URI="pkcs11:token=tree-ca?pin-source=file:$PIN"
ca_key_files() { find "$T" -type f \( -name ca.key -o -name front-proxy-ca.key \) | sort; }
expect_ok "init put CA keys on the control-plane nodes" test "$(ca_key_files | wc -l)" -eq 12
# Copies of CA keys in other encodings (SEC1, CRLF line endings, DER) are copies all the same;
# an encrypted one cannot be compared and is reported, not silently left.
mkdir -p "$T/backup"
openssl pkey -in "$T/pki/ca.key" -traditional -out "$T/backup/ca-sec1.key"
sed 's/$/\r/' "$T/pki/etcd/ca.key" >"$T/backup/etcd-ca-crlf.key"
openssl pkey -in "$T/pki/front-proxy-ca.key" -outform DER -out "$T/backup/front-proxy-ca.der"
openssl pkey -in "$T/pki/ca.key" -aes256 -passout pass:backup -out "$T/backup/ca-encrypted.key"
expect_ok "the SEC1 copy is SEC1" grep -q "BEGIN EC PRIVATE KEY" "$T/backup/ca-sec1.key"
tree_sum() { (cd "$T" && find . -type f -exec sha256sum {} + | sort); }
tree_before=$(tree_sum)
import_tree() {
  "$KPKI" ca import --dir "$T" --config "$WORK/cluster.yaml" --token-uri "$TOKEN_URI" \
    --out-config "$WORK/cluster-hsm.yaml" "$@"
}
import_tree_to() { local out=$1; shift; import_tree "$@" >"$out"; }
# A PIN given as pin-value is never written into the new config: refused before anything changes.
PIN_TEXT=$(cat "$PIN")
# (pin-value's usual warning comes first, then the one-line error)
out=$("$KPKI" ca import --dir "$T" --config "$WORK/cluster.yaml" --token-uri "pkcs11:token=tree-ca?pin-value=$PIN_TEXT" \
  --out-config "$WORK/pin.yaml" --remove-source 2>&1) && fail "pin-value with --out-config accepted" || pass
expect_ok "pin-value with --out-config: the error asks for pin-source" sh -c "printf '%s\n' \"\$1\" | grep -c '^kpki: error: ' | grep -qx 1 && printf '%s\n' \"\$1\" | grep -qF \"kpki: error: caKeys.ca has a pin-value; kpki writes no PIN into '$WORK/pin.yaml': give the PIN with pin-source=file:PATH\"" _ "$out"
case $out in *"$PIN_TEXT"*) fail "the PIN is in the output: $out" ;; *) pass ;; esac
expect_ok "no config with the PIN written" test ! -e "$WORK/pin.yaml"
expect_ok "pin-value refused: no byte changed under OUT" test "$(tree_sum)" = "$tree_before"
expect_ok "pin-value refused: nothing imported" sh -c "! '$KPKI' hsm keys 'pkcs11:token=tree-ca?pin-source=file:$PIN' | grep -q kubernetes-ca"

expect_ok "tree dry run" import_tree_to "$WORK/tree-dry.txt" --remove-source --dry-run
expect_ok "dry run plans 15 removals" grep -q "3 to import, 0 already on the token, 15 files to remove" "$WORK/tree-dry.txt"
expect_ok "dry run: the SEC1 copy goes" grep -q "would remove .*backup/ca-sec1.key .*copy of the ca key" "$WORK/tree-dry.txt"
expect_ok "dry run: the CRLF copy goes" grep -q "would remove .*backup/etcd-ca-crlf.key .*copy of the etcd-ca key" "$WORK/tree-dry.txt"
expect_ok "dry run: the DER copy goes" grep -q "would remove .*backup/front-proxy-ca.der .*copy of the front-proxy-ca key" "$WORK/tree-dry.txt"
expect_ok "dry run: the encrypted copy is reported" grep -q "skip .*backup/ca-encrypted.key .*cannot read" "$WORK/tree-dry.txt"
expect_ok "dry run changed no byte under OUT" test "$(tree_sum)" = "$tree_before"
expect_ok "dry run wrote no config" test ! -e "$WORK/cluster-hsm.yaml"

# A non-key object already labelled front-proxy-ca: planning passes, the third import fails.
printf 'x' >"$WORK/blob"
KPKI_USER_PIN=$(cat "$PIN") pkcs11-tool --module "$MODULE" --token-label tree-ca --login --pin env:KPKI_USER_PIN \
  --write-object "$WORK/blob" --type data --label front-proxy-ca >/dev/null 2>&1
expect_error "failure after two imports" "already imported onto the token: ca, etcd-ca; no source file was removed" \
  import_tree_to "$WORK/tree-failed.txt" --remove-source
expect_ok "every source file still there" test "$(tree_sum)" = "$tree_before"
expect_ok "no config written" test ! -e "$WORK/cluster-hsm.yaml"
KPKI_USER_PIN=$(cat "$PIN") pkcs11-tool --module "$MODULE" --token-label tree-ca --login --pin env:KPKI_USER_PIN \
  --delete-object --type data --label front-proxy-ca >/dev/null 2>&1
expect_ok "rerun resumes" import_tree_to "$WORK/tree.txt" --remove-source
expect_ok "resumed: two kept, one imported" grep -q "1 to import, 2 already on the token, 15 files to remove" "$WORK/tree.txt"
expect_ok "fifteen removals reported" test "$(grep -c '^removed ' "$WORK/tree.txt")" -eq 15
expect_ok "copies in other encodings removed" \
  test ! -e "$T/backup/ca-sec1.key" -a ! -e "$T/backup/etcd-ca-crlf.key" -a ! -e "$T/backup/front-proxy-ca.der"
expect_ok "the encrypted copy remains, and was reported" test -f "$T/backup/ca-encrypted.key"
expect_ok "out-config is the owner's alone (0600)" test "$(stat -c %a "$WORK/cluster-hsm.yaml")" = 600
expect_ok "no CA key file anywhere under OUT" test -z "$(ca_key_files)"
expect_ok "no etcd CA key either" test -z "$(find "$T" -path '*etcd/ca.key')"
expect_ok "sa.key stays (kube-apiserver reads it as a file)" test -f "$T/nodes/cp1/pki/sa.key"
expect_ok "out-config names the token keys" grep -q "object=front-proxy-ca" "$WORK/cluster-hsm.yaml"
for n in cp1 cp2 cp3 w1; do
  old=$(openssl x509 -in "$T/nodes/$n/pki/apiserver-kubelet-client.crt" -noout -serial 2>/dev/null || echo none)
  expect_ok "$n renew all through the token" "$KPKI" certs renew all --dir "$T/nodes/$n" --config "$WORK/cluster-hsm.yaml"
  if [ "$n" != w1 ]; then
    new=$(openssl x509 -in "$T/nodes/$n/pki/apiserver-kubelet-client.crt" -noout -serial)
    expect_ok "$n serial changed" test "$old" != "$new"
    expect_ok "$n apiserver verifies" openssl verify -CAfile "$T/nodes/$n/pki/ca.crt" "$T/nodes/$n/pki/apiserver.crt"
    expect_ok "$n etcd server verifies" openssl verify -CAfile "$T/nodes/$n/pki/etcd/ca.crt" "$T/nodes/$n/pki/etcd/server.crt"
    expect_ok "$n front-proxy-client verifies" openssl verify -CAfile "$T/nodes/$n/pki/front-proxy-ca.crt" "$T/nodes/$n/pki/front-proxy-client.crt"
  fi
done
expect_error "import again: the sources are gone" "ca.key" import_tree_to "$WORK/again.txt"
finish
