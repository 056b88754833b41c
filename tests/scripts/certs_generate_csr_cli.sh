#!/usr/bin/env bash
# kpki certs generate-csr, then an outside CA (plain openssl) signs, then certs check
# --fill-kubeconfigs: the external-CA flow of docs/ca-lifecycle.md, step by step.
#  - every leaf gets its key (0600) and a CSR beside it carrying the table's subject, SANs and
#    usages; kubeconfigs wait with their key and server and an .conf.csr beside them;
#  - a second run refuses (exit 5) and changes nothing; --force replaces;
#  - signed with `openssl x509 -req -copy_extensions copy`, the tree checks clean once the
#    kubeconfigs are filled; a kubeconfig certificate from the wrong CA is not embedded;
#  - kubectl with the filled admin.conf against a TLS server holding the signed apiserver
#    certificate and asking for client certificates from the outside CA (openssl s_server); a
#    client certificate of another CA refused.
source "$(dirname "$0")/lib/common.sh"
W=$WORK
PORT=$((20000 + RANDOM % 20000))
cat >"$W/cluster.yaml" <<YAML
apiVersion: kpki/v1alpha1
kind: ClusterPKI
controlPlaneEndpoint: 127.0.0.1:$PORT
encryptionAlgorithm: ECDSA-P256
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane, bindPort: $PORT}
  - {name: w1, address: 10.0.0.21, role: worker}
YAML
OUT=$W/out CP=$W/out/nodes/cp1 WK=$W/out/nodes/w1
"$KPKI" certs generate-csr --config "$W/cluster.yaml" --dir "$OUT" >"$W/csrs.txt" 2>"$W/gen.err"
[ "$(wc -l <"$W/csrs.txt")" -eq 17 ] && pass || fail "CSR count: $(cat "$W/csrs.txt")"  # 14 + 3
for f in pki/apiserver pki/etcd/peer pki/front-proxy-client kubelet/kubelet; do
  [ -f "$CP/$f.key" ] && [ -f "$CP/$f.csr" ] && [ ! -e "$CP/$f.crt" ] && pass || fail "$f.key/.csr"
done
for f in admin.conf super-admin.conf scheduler.conf kubelet.conf; do
  [ -f "$CP/$f" ] && [ -f "$CP/$f.csr" ] && pass || fail "$f and $f.csr"
done
[ -f "$CP/pki/sa.key" ] && [ -f "$CP/pki/sa.pub" ] && [ ! -e "$WK/pki/sa.key" ] && pass || fail "sa keys"
bad=$(find "$OUT" -type f \( -name '*.key' -o -name '*.csr' -o -name '*.conf' \) ! -perm 0600)
[ -z "$bad" ] && pass || fail "not 0600: $bad"
# The CSR carries subject, SANs and usages (kubeadm's carry no usages).
req=$(openssl req -in "$CP/pki/apiserver.csr" -noout -text -verify 2>&1)
for want in "verify OK" "CN = kube-apiserver" "DNS:kubernetes.default.svc.cluster.local" \
  "IP Address:10.96.0.1" "TLS Web Server Authentication" "Digital Signature" "CA:FALSE"; do
  [[ $req == *"$want"* ]] && pass || fail "apiserver.csr lacks '$want'"
done
req=$(openssl req -in "$CP/admin.conf.csr" -noout -subject -nameopt compat)
[ "$req" = "subject=/O=kubeadm:cluster-admins/CN=kubernetes-admin" ] && pass || fail "admin.conf.csr: $req"
# A second run refuses before writing anything; --force replaces.
sum=$(find "$OUT" -type f -exec sha256sum {} + | sort)
expect_error "second run" "already exists.*apiserver.key|apiserver.key.*already exists" \
  "$KPKI" certs generate-csr --config "$W/cluster.yaml" --dir "$OUT"
[ "$sum" = "$(find "$OUT" -type f -exec sha256sum {} + | sort)" ] && pass || fail "second run changed files"
"$KPKI" certs generate-csr --config "$W/cluster.yaml" --dir "$OUT" --force -o json >"$W/gen.json"
[ "$(jq -r '.kind + " " + (.requests | length | tostring)' "$W/gen.json")" = "CertificateSigningRequests 17" ] &&
  pass || fail "json: $(head -c 300 "$W/gen.json")"
[ "$sum" != "$(find "$OUT" -type f -exec sha256sum {} + | sort)" ] && pass || fail "--force kept the keys"

# Before signing: every certificate is missing, and says its CSR waits.
rc=0; "$KPKI" certs check --config "$W/cluster.yaml" --dir "$CP" -o json >"$W/c.json" || rc=$?
[ $rc -eq 1 ] && [ "$(jq '[.findings[] | select(.message | test("waits to be signed"))] | length' "$W/c.json")" -eq 14 ] &&
  pass || fail "unsigned tree: exit $rc $(cat "$W/c.json")"

# --- the organisation's CA signs -----------------------------------------------------------------
E=$W/org/pki
mkdir -p "$E/etcd"
mkca() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -subj "/O=Example Org/CN=$2" \
    -days 3650 -addext keyUsage=critical,digitalSignature,keyCertSign,cRLSign -out "$1.crt" 2>/dev/null
}
mkca "$E/ca" kubernetes
mkca "$E/etcd/ca" etcd-ca
mkca "$E/front-proxy-ca" front-proxy-ca
ca_of() {  # the CA a CSR goes to, as the table says
  case $1 in
    */pki/etcd/* | */apiserver-etcd-client.csr) echo "$E/etcd/ca" ;;
    */front-proxy-client.csr) echo "$E/front-proxy-ca" ;;
    *) echo "$E/ca" ;;
  esac
}
sign() {  # sign CSR CA_BASE: the certificate beside the CSR as .crt, extensions as asked
  openssl x509 -req -in "$1" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial -days 365 \
    -copy_extensions copy -out "${1%.csr}.crt" 2>/dev/null
}
while read -r csr; do sign "$csr" "$(ca_of "$csr")"; done < <(find "$OUT/nodes" -name '*.csr')
for n in cp1 w1; do mkdir -p "$OUT/nodes/$n/pki" && cp "$E/ca.crt" "$OUT/nodes/$n/pki/ca.crt"; done
mkdir -p "$CP/pki/etcd" && cp "$E/etcd/ca.crt" "$CP/pki/etcd/ca.crt"
cp "$E/front-proxy-ca.crt" "$CP/pki/front-proxy-ca.crt"
# The controller-manager's certificate from the wrong CA: it must not be embedded.
sign "$CP/controller-manager.conf.csr" "$E/etcd/ca"

# Signed but not filled: the kubeconfigs wait (their certificates are checked already).
rc=0; "$KPKI" certs check --config "$W/cluster.yaml" --dir "$CP" --ca-dir "$E" -o json >"$W/c.json" || rc=$?
[ $rc -eq 1 ] && pass || fail "unfilled: exit $rc"
# every kubeconfig: "not embedded yet" (missing) and no CA data (kubeconfig)
[ "$(jq '[.findings[] | select(.check == "missing")] | length' "$W/c.json")" -eq 6 ] &&
  [ "$(jq '[.findings[] | select(.check == "kubeconfig")] | length' "$W/c.json")" -eq 6 ] &&
  [ "$(jq -r '[.findings[] | select(.check == "chain")][0].file' "$W/c.json")" = controller-manager.conf.crt ] &&
  [ "$(jq '.findings | length' "$W/c.json")" -eq 13 ] && pass || fail "unfilled findings: $(jq -c .findings "$W/c.json")"

# Fill: five kubeconfigs are filled, the controller-manager's is refused and still reported.
rc=0
"$KPKI" certs check --config "$W/cluster.yaml" --dir "$CP" --ca-dir "$E" --fill-kubeconfigs -o json \
  >"$W/c.json" 2>"$W/fill.txt" || rc=$?
[ $rc -eq 1 ] && [ "$(grep -c 'filled' "$W/fill.txt")" -eq 5 ] && ! grep -q controller-manager "$W/fill.txt" &&
  [ "$(jq -r '.findings[] | "\(.file) \(.check)"' "$W/c.json" | sort | tr '\n' ' ')" = \
    "controller-manager.conf kubeconfig controller-manager.conf missing controller-manager.conf.crt chain " ] &&
  pass || fail "fill: exit $rc $(cat "$W/fill.txt") $(jq -c .findings "$W/c.json")"
sign "$CP/controller-manager.conf.csr" "$E/ca"
expect_ok "filled cp1 checks clean" \
  "$KPKI" certs check --config "$W/cluster.yaml" --dir "$CP" --ca-dir "$E" --fill-kubeconfigs
expect_ok "filled w1 checks clean" \
  "$KPKI" certs check --config "$W/cluster.yaml" --dir "$WK" --ca "$E/ca.crt" --fill-kubeconfigs
[ "$(stat -c %a "$CP/admin.conf")" = 600 ] && pass || fail "admin.conf mode after fill"
# check-expiration reads the tree as kubeadm's external-CA mode: CAs without keys.
"$KPKI" certs check-expiration --dir "$CP" -o json >"$W/exp.json"
[ "$(jq '[.certificateAuthorities[] | select(.externallyManaged)] | length' "$W/exp.json")" -eq 3 ] &&
  pass || fail "check-expiration: $(cat "$W/exp.json")"

# --- kubectl with the filled admin.conf ----------------------------------------------------------
openssl s_server -quiet -accept "127.0.0.1:$PORT" -cert "$CP/pki/apiserver.crt" -key "$CP/pki/apiserver.key" \
  -CAfile "$E/ca.crt" -Verify 1 -verify_return_error -www >"$W/s_server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do
  out=$(kubectl --kubeconfig "$CP/admin.conf" get --raw / --request-timeout=2s 2>&1) && break
  sleep 0.1
done
# s_server -www answers with the client certificate it verified.
[[ $out == *"Subject: O=kubeadm:cluster-admins, CN=kubernetes-admin"* ]] && pass ||
  fail "kubectl admin.conf: $out"
# The worker's kubelet.conf (client of the same CA) too; a certificate of another CA is refused.
out=$(kubectl --kubeconfig "$WK/kubelet.conf" get --raw / --request-timeout=2s 2>&1) &&
  [[ $out == *"Subject: O=system:nodes, CN=system:node:w1"* ]] && pass || fail "kubectl kubelet.conf: $out"
# A client certificate of another CA (the etcd CA's apiserver-etcd-client) is refused.
cp "$CP/admin.conf" "$W/foreign.conf"
kubectl --kubeconfig "$W/foreign.conf" config set-credentials kubernetes-admin --embed-certs \
  --client-certificate "$CP/pki/apiserver-etcd-client.crt" --client-key "$CP/pki/apiserver-etcd-client.key" >/dev/null
out=$(kubectl --kubeconfig "$W/foreign.conf" get --raw / --request-timeout=2s 2>&1) &&
  fail "a client of another CA was accepted: $out" || pass
kill $server 2>/dev/null || true

finish
