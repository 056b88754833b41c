#!/usr/bin/env bash
# The Kubernetes version decides the tree (issue 22): `init --kubernetes-version` writes what that
# kubeadm writes (a control plane's kubelet.conf server, super-admin.conf, groups, read back with
# openssl), records it, `certs renew` follows the record, and renewing as another version says
# what moves and moves it. Bad versions and kubeadm v1beta3 input are one-line errors.
source "$(dirname "$0")/lib/common.sh"
cd "$WORK"

cat > cluster.yaml <<'YAML'
apiVersion: kpki/v1alpha1
kind: ClusterPKI
encryptionAlgorithm: ECDSA-P256
controlPlaneEndpoint: lb.example.com:6443
nodes:
  - {name: cp1, address: 127.0.0.1}
  - {name: cp2, address: 127.0.0.2, bindPort: 7443}
  - {name: w1, address: 127.0.0.21, role: worker}
YAML

server() { grep 'server:' "$1" | awk '{print $2}' | tr -d '"'; }
client_cert() { grep client-certificate-data "$1" | awk '{print $2}' | tr -d '"' | base64 -d; }
# The O of a certificate file, or of a kubeconfig's client certificate.
org_of() {
  local file=$1
  if [[ $file == *.conf ]]; then
    client_cert "$file" > cert.pem
    file=cert.pem
  fi
  openssl x509 -in "$file" -noout -subject -nameopt sep_multiline | sed -n 's/^ *O=//p' | paste -sd, -
}
check() {  # DESCRIPTION GOT WANT
  if [ "$2" == "$3" ]; then pass; else fail "$1: got '$2', want '$3'"; fi
}

# Each version on its own tree: what kubeadm of that version writes.
for case in "1.28 https://lb.example.com:6443 no system:masters system:masters" \
            "1.29 https://lb.example.com:6443 yes kubeadm:cluster-admins kubeadm:cluster-admins" \
            "1.32 https://lb.example.com:6443 yes kubeadm:cluster-admins kubeadm:cluster-admins" \
            "1.33 https://127.0.0.2:7443 yes kubeadm:cluster-admins kubeadm:cluster-admins" \
            "1.37 https://127.0.0.2:7443 yes kubeadm:cluster-admins -"; do
  read -r version cp2_server super admins kubelet_client <<<"$case"
  out=out-$version
  expect_ok "init $version" "$KPKI" init --config cluster.yaml --dir "$out" --kubernetes-version "$version"
  check "$version cp2 kubelet.conf" "$(server "$out/nodes/cp2/kubelet.conf")" "$cp2_server"
  check "$version w1 kubelet.conf" "$(server "$out/nodes/w1/kubelet.conf")" "https://lb.example.com:6443"
  check "$version super-admin.conf on cp1" "$([ -f "$out/nodes/cp1/super-admin.conf" ] && echo yes || echo no)" "$super"
  check "$version admin.conf O" "$(org_of "$out/nodes/cp1/admin.conf")" "$admins"
  check "$version apiserver-kubelet-client O" \
    "$(org_of "$out/nodes/cp1/pki/apiserver-kubelet-client.crt" | sed 's/^$/-/')" "$kubelet_client"
  check "$version record" "$(cat "$out/kpki-tree.json")" "{\"format\":\"kpki-tree/1\",\"kubernetesVersion\":\"$version\"}"
done
check "record mode" "$(stat -c %a out-1.32/kpki-tree.json)" "600"

# A 1.32 tree renews as 1.32 although kpki's newest is later: nothing moves.
expect_ok "renew 1.32 tree" "$KPKI" certs renew all --dir out-1.32/nodes/cp2 --config cluster.yaml
check "1.32 tree renewed as 1.32" "$(server out-1.32/nodes/cp2/kubelet.conf)" "https://lb.example.com:6443"

# Renewing as 1.33: the plan says what moves; the run moves it and records the new version.
"$KPKI" certs renew all --dir out-1.32/nodes/cp2 --config cluster.yaml \
  --kubernetes-version 1.33 --dry-run > plan.txt
if grep -q '^would move *Kubernetes 1.32 -> 1.33' plan.txt &&
   grep -q 'kubelet.conf .*server https://lb.example.com:6443 -> https://127.0.0.2:7443' plan.txt; then
  pass
else fail "renew plan does not say what moves: $(cat plan.txt)"; fi
"$KPKI" certs renew kubelet.conf --dir out-1.32/nodes/cp2 --config cluster.yaml \
  --kubernetes-version 1.33 --dry-run -o json > plan.json
check "json versions" "$(python3 -c 'import json,sys; p=json.load(open("plan.json")); print(p["previousKubernetesVersion"], p["kubernetesVersion"])')" "1.32 1.33"
expect_ok "renew as 1.33" "$KPKI" certs renew all --dir out-1.32/nodes/cp2 --config cluster.yaml --kubernetes-version 1.33
check "moved kubelet.conf" "$(server out-1.32/nodes/cp2/kubelet.conf)" "https://127.0.0.2:7443"
check "moved record" "$(python3 -c 'import json; print(json.load(open("out-1.32/kpki-tree.json"))["kubernetesVersion"])')" "1.33"
client_cert out-1.32/nodes/cp2/kubelet.conf > moved.pem
openssl verify -CAfile out-1.32/pki/ca.crt moved.pem >/dev/null && pass || fail "moved kubelet.conf does not verify"
# From now on the tree is 1.33: init reports cp1's kubelet.conf, not yet moved, as a mismatch
# (nothing written), and a plain renew of cp1 follows the record and says what moves.
rc=0; "$KPKI" init --config cluster.yaml --dir out-1.32 > init.txt 2>&1 || rc=$?
check "init on the moved tree exits 5" "$rc" "5"
grep -q '^MISMATCH *nodes/cp1/kubelet.conf  server is https://lb.example.com:6443, config wants https://127.0.0.1:6443' init.txt \
  && pass || fail "init does not report cp1's kubelet.conf: $(cat init.txt)"
"$KPKI" certs renew kubelet.conf --dir out-1.32/nodes/cp1 --config cluster.yaml > renew.txt
grep -q 'server https://lb.example.com:6443 -> https://127.0.0.1:6443' renew.txt \
  && pass || fail "renew of cp1 does not say what moves: $(cat renew.txt)"
check "cp1 follows the record" "$(server out-1.32/nodes/cp1/kubelet.conf)" "https://127.0.0.1:6443"

# Moving 1.28 -> 1.29 changes groups; the old file is checked against 1.28's table.
expect_ok "renew 1.28 tree as 1.29" "$KPKI" certs renew apiserver-kubelet-client admin.conf \
  --dir out-1.28/nodes/cp1 --config cluster.yaml --kubernetes-version 1.29
check "moved O" "$(org_of out-1.28/nodes/cp1/pki/apiserver-kubelet-client.crt)" "kubeadm:cluster-admins"

# Bad versions: one line naming the flag or field, nothing written.
expect_error "malformed flag" "^kpki: error: --kubernetes-version: invalid Kubernetes version '1\.x'" \
  "$KPKI" init --config cluster.yaml --dir bad --kubernetes-version 1.x
expect_error "unsupported flag" "^kpki: error: --kubernetes-version: unsupported Kubernetes version '1\.27' \(kpki knows 1\.28 to 1\.37\)$" \
  "$KPKI" init --config cluster.yaml --dir bad --kubernetes-version 1.27
sed 's/^kind: ClusterPKI/kind: ClusterPKI\nkubernetesVersion: latest/' cluster.yaml > latest.yaml
expect_error "malformed field" "^kpki: error: .*latest.yaml: kubernetesVersion: invalid Kubernetes version 'latest'" \
  "$KPKI" init --config latest.yaml --dir bad
check "nothing written" "$([ -e bad ] && echo yes || echo no)" "no"
rc=0; "$KPKI" init --config cluster.yaml --dir bad --kubernetes-version 1.99 2>/dev/null || rc=$?
check "unsupported exit code" "$rc" "6"

# kubeadm v1beta3: refused with the way to convert it.
cat > old.yaml <<'YAML'
apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
nodeRegistration: {name: cp1}
localAPIEndpoint: {advertiseAddress: 127.0.0.1}
YAML
expect_error "v1beta3" "^kpki: error: old.yaml: InitConfiguration.apiVersion: kubeadm.k8s.io/v1beta3 is not read \(kpki reads kubeadm.k8s.io/v1beta4\) \(convert it first: kubeadm config migrate --old-config old.yaml --new-config new.yaml\)$" \
  "$KPKI" init --config old.yaml --dir bad
rc=0; "$KPKI" init --config old.yaml --dir bad 2>/dev/null || rc=$?
check "v1beta3 exit code" "$rc" "6"
finish
