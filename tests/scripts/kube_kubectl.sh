#!/usr/bin/env bash
# The trees of `kpki init` against independent verifiers:
#  - every leaf with `openssl verify -x509_strict -purpose` and `certtool --verify
#    --verify-hostname/--verify-purpose` (chain, purpose, host names and IPs);
#  - kubectl --kubeconfig admin.conf get --raw /version against a TLS endpoint at the control-plane
#    endpoint that serves the generated apiserver certificate and requires client certificates from
#    ca.crt: a single etcd member on :6443 with --client-cert-auth (Go's TLS stack, as in
#    kube-apiserver), which answers /version over HTTPS.
set -euo pipefail
KPKI=${KPKI:?set KPKI to the kpki binary}
source "$(dirname "$0")/lib/kube_lib.sh"
kube_setup
W=$KUBE_WORK

cat >"$W/cluster.yaml" <<'YAML'
apiVersion: kpki/v1alpha1
kind: ClusterPKI
controlPlaneEndpoint: 127.0.0.1:6443
encryptionAlgorithm: RSA-2048
apiServer:
  certSANs: [k8s.example.com, 192.0.2.10]
etcd:
  serverCertSANs: [etcd.example.com]
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane}
  - {name: w1, address: 10.0.0.21, role: worker}
YAML
"$KPKI" init --config "$W/cluster.yaml" --dir "$W/out" >/dev/null
CP=$W/out/nodes/cp1 WK=$W/out/nodes/w1

# --- openssl + certtool on every leaf -------------------------------------------------------
oid_server=1.3.6.1.5.5.7.3.1 oid_client=1.3.6.1.5.5.7.3.2
check() {  # check CA CERT PURPOSE(sslserver|sslclient) [HOST...]
  local ca=$1 cert=$2 purpose=$3; shift 3
  local oid=$oid_client; [ "$purpose" = sslserver ] && oid=$oid_server
  openssl verify -x509_strict -purpose "$purpose" -CAfile "$ca" "$cert" >/dev/null ||
    fail "openssl verify -purpose $purpose $cert"
  certtool --verify --load-ca-certificate "$ca" --infile "$cert" --verify-purpose "$oid" >/dev/null 2>&1 ||
    fail "certtool --verify-purpose $oid $cert"
  local host flag
  for host in "$@"; do
    if [[ $host =~ ^[0-9.]+$|: ]]; then flag=-verify_ip; else flag=-verify_hostname; fi
    openssl verify -x509_strict -purpose "$purpose" -CAfile "$ca" $flag "$host" "$cert" >/dev/null ||
      fail "openssl verify $flag $host $cert"
    certtool --verify --load-ca-certificate "$ca" --infile "$cert" --verify-purpose "$oid" \
      --verify-hostname "$host" >/dev/null 2>&1 || fail "certtool --verify-hostname $host $cert"
  done
  # and a name it must not cover
  if [ $# -gt 0 ] && openssl verify -CAfile "$ca" -verify_hostname not-in-sans.example "$cert" >/dev/null 2>&1; then
    fail "$cert verifies for a host it does not name"
  fi
}
kubeconfig_cert() {  # extracts the embedded client certificate of a kubeconfig
  kubectl --kubeconfig "$1" config view --raw -o jsonpath='{.users[0].user.client-certificate-data}' |
    base64 -d >"$2"
}
check "$CP/pki/ca.crt" "$CP/pki/apiserver.crt" sslserver cp1 kubernetes kubernetes.default \
  kubernetes.default.svc kubernetes.default.svc.cluster.local k8s.example.com 10.96.0.1 127.0.0.1 192.0.2.10
check "$CP/pki/ca.crt" "$CP/pki/apiserver-kubelet-client.crt" sslclient
check "$CP/pki/front-proxy-ca.crt" "$CP/pki/front-proxy-client.crt" sslclient
check "$CP/pki/etcd/ca.crt" "$CP/pki/apiserver-etcd-client.crt" sslclient
check "$CP/pki/etcd/ca.crt" "$CP/pki/etcd/healthcheck-client.crt" sslclient
for c in server peer; do
  check "$CP/pki/etcd/ca.crt" "$CP/pki/etcd/$c.crt" sslserver cp1 localhost 127.0.0.1 ::1
  check "$CP/pki/etcd/ca.crt" "$CP/pki/etcd/$c.crt" sslclient
done
openssl verify -CAfile "$CP/pki/etcd/ca.crt" -verify_hostname etcd.example.com "$CP/pki/etcd/server.crt" >/dev/null ||
  fail "etcd serverCertSANs not in etcd/server.crt"
check "$CP/pki/ca.crt" "$CP/kubelet/kubelet.crt" sslserver cp1 127.0.0.1
check "$WK/pki/ca.crt" "$WK/kubelet/kubelet.crt" sslserver w1 10.0.0.21
for conf in admin super-admin controller-manager scheduler kubelet kube-proxy; do
  kubeconfig_cert "$CP/$conf.conf" "$W/$conf.crt"
  check "$CP/pki/ca.crt" "$W/$conf.crt" sslclient
done
kubeconfig_cert "$WK/kubelet.conf" "$W/w1-kubelet.crt"
check "$WK/pki/ca.crt" "$W/w1-kubelet.crt" sslclient
# Wrong purpose must fail: a client cert is not a server cert.
if openssl verify -x509_strict -purpose sslserver -CAfile "$CP/pki/ca.crt" "$W/admin.crt" >/dev/null 2>&1; then
  fail "admin client certificate verified as a server certificate"
fi
openssl x509 -in "$W/kubelet.crt" -noout -subject | grep -q 'CN *= *system:node:cp1' || fail "kubelet.conf CN"
openssl x509 -in "$W/kubelet.crt" -noout -subject | grep -q 'O *= *system:nodes' || fail "kubelet.conf O"
pass "every leaf verified by openssl and certtool for its purpose and names"

# --- kubectl against a Go TLS endpoint with the apiserver certificate -------------------------
if ! command -v kubectl >/dev/null; then
  echo "SKIP: kubectl not installed - the kubectl part of this test did not run"
  exit 77
fi
command -v etcd >/dev/null || { echo "SKIP: etcd not installed - no TLS endpoint for kubectl"; exit 77; }
start_daemon "$W/endpoint.log" etcd --name endpoint --data-dir "$W/endpoint-data" \
  --listen-client-urls https://127.0.0.1:6443 --advertise-client-urls https://127.0.0.1:6443 \
  --listen-peer-urls http://127.0.0.1:16443 --initial-advertise-peer-urls http://127.0.0.1:16443 \
  --initial-cluster endpoint=http://127.0.0.1:16443 \
  --client-cert-auth --trusted-ca-file "$CP/pki/ca.crt" \
  --cert-file "$CP/pki/apiserver.crt" --key-file "$CP/pki/apiserver.key"
export KUBECONFIG=/nonexistent HOME=$W
wait_for 60 "TLS endpoint on 127.0.0.1:6443" kubectl --kubeconfig "$CP/admin.conf" get --raw /version
out=$(kubectl --kubeconfig "$CP/admin.conf" get --raw /version)
echo "$out" | grep -q etcdserver || fail "unexpected /version answer: $out"
pass "kubectl --kubeconfig admin.conf get --raw /version: $out"
for conf in super-admin kubelet kube-proxy; do
  kubectl --kubeconfig "$CP/$conf.conf" get --raw /version >/dev/null || fail "kubectl with $conf.conf"
done
kubectl --kubeconfig "$WK/kubelet.conf" get --raw /version >/dev/null || fail "kubectl with w1's kubelet.conf"
pass "super-admin.conf, kubelet.conf, kube-proxy.conf and w1's kubelet.conf accepted"
for conf in controller-manager scheduler; do  # these point at the node's own address
  [ "$(kubectl --kubeconfig "$CP/$conf.conf" config view -o jsonpath='{.clusters[0].cluster.server}')" = https://127.0.0.1:6443 ] ||
    fail "$conf.conf server"
  kubectl --kubeconfig "$CP/$conf.conf" get --raw /version >/dev/null || fail "kubectl with $conf.conf"
done

# kubeconfig user: a fresh user kubeconfig signed with the cluster CA works too.
"$KPKI" kubeconfig user --client-name jane --org developers --validity 720h \
  --ca-cert "$CP/pki/ca.crt" --ca-key "$CP/pki/ca.key" --server https://127.0.0.1:6443 >"$W/jane.conf"
kubectl --kubeconfig "$W/jane.conf" get --raw /version >/dev/null || fail "kubectl with kubeconfig user"
[ "$(kubectl --kubeconfig "$W/jane.conf" config current-context)" = "jane@kubernetes" ] || fail "jane context"
pass "kpki kubeconfig user output accepted"

# Negative: a client certificate from the etcd CA is not accepted where ca.crt is required.
sed "s|client-certificate-data: .*|client-certificate-data: $(base64 -w0 <"$CP/pki/apiserver-etcd-client.crt")|; s|client-key-data: .*|client-key-data: $(base64 -w0 <"$CP/pki/apiserver-etcd-client.key")|" \
  "$CP/admin.conf" >"$W/wrong-ca.conf"
if kubectl --kubeconfig "$W/wrong-ca.conf" --request-timeout=5s get --raw /version >/dev/null 2>&1; then
  fail "endpoint accepted a client certificate from etcd-ca"
fi
# And the server's identity is checked: a kubeconfig naming a host not in the SANs fails.
sed 's|https://127.0.0.1:6443|https://localhost:6443|' "$CP/admin.conf" >"$W/wrong-host.conf"
if kubectl --kubeconfig "$W/wrong-host.conf" --request-timeout=5s get --raw /version >/dev/null 2>&1; then
  fail "kubectl accepted the apiserver certificate for 'localhost' (not in its SANs)"
fi
pass "wrong-CA client certificate and wrong host name rejected"

# Day 2: renew everything on cp1; the rewritten admin.conf still works, serials changed.
old_serial=$(openssl x509 -in "$W/admin.crt" -noout -serial)
"$KPKI" certs renew all --dir "$CP" --config "$W/cluster.yaml" >/dev/null
kubeconfig_cert "$CP/admin.conf" "$W/admin-renewed.crt"
[ "$(openssl x509 -in "$W/admin-renewed.crt" -noout -serial)" != "$old_serial" ] || fail "admin.conf serial unchanged"
check "$CP/pki/ca.crt" "$W/admin-renewed.crt" sslclient
kubectl --kubeconfig "$CP/admin.conf" get --raw /version >/dev/null || fail "kubectl with renewed admin.conf"
pass "certs renew all: new serials, renewed admin.conf accepted by the endpoint"
echo PASS
