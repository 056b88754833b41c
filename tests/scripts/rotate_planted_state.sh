#!/usr/bin/env bash
# Issue 19, "ca rotate --phase reissue certifies an attacker's keys": after begin, an attacker
# who can write OUT replaces oldCertificate in OUT/rotation/ca.json by their own CA and every
# ca-signed leaf under nodes/ by certificates of that CA with the same identities and their own
# keys. reissue must refuse (one line naming the record) and certify nothing; with the record
# restored, leaves holding keys kpki never recorded for their file -- even certified by the real
# old CA -- are refused naming the file. The untouched tree then rotates as before.
source "$(dirname "$0")/lib/common.sh"
command -v openssl >/dev/null || { echo "openssl not found"; exit 77; }
cd "$WORK"

cluster_yaml >cfg.yaml
rotate() { "$KPKI" ca rotate ca --dir out --config cfg.yaml "$@"; }
expect_ok "init" "$KPKI" init --config cfg.yaml --dir out
expect_ok "begin" rotate --phase begin
cp -a out pristine

# forge IN_CERT CA_CERT CA_KEY OUT_KEY OUT_CERT: the identity (subject, SANs, EKU) of IN_CERT, a
# new key, signed by CA.
forge() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$4" 2>/dev/null
  openssl x509 -x509toreq -in "$1" -signkey "$4" -copy_extensions copyall -out forge.csr
  openssl x509 -req -in forge.csr -CA "$2" -CAkey "$3" -copy_extensions copyall -days 30 \
    -out "$5" 2>/dev/null
}
# forge_kubeconfig FILE CA_CERT CA_KEY: its client certificate and key replaced by forged ones.
forge_kubeconfig() {
  python3 - "$1" >kc.crt <<'PY'
import base64, sys, yaml
kc = yaml.safe_load(open(sys.argv[1]))
sys.stdout.write(base64.b64decode(kc["users"][0]["user"]["client-certificate-data"]).decode())
PY
  forge kc.crt "$2" "$3" kc.key kc.new.crt
  python3 - "$1" kc.new.crt kc.key <<'PY'
import base64, sys, yaml
path, crt, key = sys.argv[1:]
kc = yaml.safe_load(open(path))
user = kc["users"][0]["user"]
user["client-certificate-data"] = base64.b64encode(open(crt, "rb").read()).decode()
user["client-key-data"] = base64.b64encode(open(key, "rb").read()).decode()
open(path, "w").write(yaml.safe_dump(kc))
PY
}
# forge_tree CA_CERT CA_KEY: every leaf the cluster CA signs, on every node, forged.
forge_tree() {
  local crt
  for crt in out/nodes/*/pki/apiserver.crt out/nodes/*/pki/apiserver-kubelet-client.crt \
    out/nodes/*/kubelet/kubelet.crt; do
    [ -f "$crt" ] || continue
    forge "$crt" "$1" "$2" "${crt%.crt}.key" forged.crt
    mv forged.crt "$crt"
  done
  for conf in out/nodes/*/*.conf; do forge_kubeconfig "$conf" "$1" "$2"; done
}
leaf_sum() { (cd out && find nodes -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum; }
issuer_key_of() {  # the public key of super-admin.conf's client certificate
  python3 - out/nodes/cp1/super-admin.conf >super-admin.crt <<'PY'
import base64, sys, yaml
kc = yaml.safe_load(open(sys.argv[1]))
sys.stdout.write(base64.b64decode(kc["users"][0]["user"]["client-certificate-data"]).decode())
PY
  openssl x509 -in super-admin.crt -noout -pubkey
}

# 1. The attacker's CA as oldCertificate, every ca leaf an attacker-CA certificate with an
#    attacker key.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout evil-ca.key \
  -out evil-ca.crt -subj /CN=kubernetes -days 365 -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
python3 - out/rotation/ca.json evil-ca.crt <<'PY'
import json, sys
state = json.load(open(sys.argv[1]))
state["oldCertificate"] = open(sys.argv[2]).read()
json.dump(state, open(sys.argv[1], "w"), indent=2)
PY
forge_tree evil-ca.crt evil-ca.key
attacker_pub=$(issuer_key_of)
before=$(leaf_sum)
expect_error "reissue --dry-run with a planted oldCertificate" "rotation/ca.json': oldCertificate" \
  rotate --phase reissue --dry-run
expect_error "reissue with a planted oldCertificate and attacker leaves" \
  "rotation/ca.json': oldCertificate .* is not the ca certificate kpki recorded" \
  rotate --phase reissue
[ "$(leaf_sum)" = "$before" ] && pass || fail "reissue changed files of the planted tree"
[ "$(issuer_key_of)" = "$attacker_pub" ] || fail "super-admin.conf changed"
issuer_key_of >/dev/null  # leaves super-admin.crt
if openssl verify -CAfile out/rotation/ca/1/new.crt super-admin.crt >/dev/null 2>&1; then
  fail "the new CA certified the attacker's super-admin key"
else
  pass
fi

# 2. The record restored, the leaves certified by the real old CA (as someone who once read
#    pki/ca.key could) for attacker keys: keys kpki never recorded for these files.
rm -rf out && cp -a pristine out
forge_tree out/pki/ca.crt out/pki/ca.key
before=$(leaf_sum)
expect_error "reissue of attacker keys under the real old CA" \
  "nodes/cp1/.*': its key is not one kpki issued for .* in this file \(not in ledger .*ledger.db\)" \
  rotate --phase reissue
[ "$(leaf_sum)" = "$before" ] && pass || fail "reissue changed files after refusing a key"

# 3. The tree as kpki left it rotates: reissue and finish succeed, every leaf under the new CA.
rm -rf out && cp -a pristine out
expect_ok "reissue of the untouched tree" rotate --phase reissue
expect_ok "finish" rotate --phase finish
openssl verify -CAfile out/pki/ca.crt out/nodes/cp1/pki/apiserver-kubelet-client.crt >/dev/null &&
  pass || fail "apiserver-kubelet-client does not verify under the new CA"

finish
