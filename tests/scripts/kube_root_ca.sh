#!/usr/bin/env bash
# An offline root over the cluster's CAs (docs/ca-lifecycle.md, "An offline root over the
# cluster's CAs"):
#  - `kpki ca create --parent-cert/--parent-key` makes an intermediate (pathlen 0, the file holds
#    it then the root, recorded in the root's ledger); a CA with pathlen 0 certifies no CA;
#  - `kpki init` with `rootCA` makes ca, etcd-ca and front-proxy-ca intermediates under it; every
#    leaf (files and kubeconfigs) verifies with `openssl verify -x509_strict` with only the root as
#    trust anchor; a second init keeps everything;
#  - a real 3-member etcd cluster with client and peer TLS on that tree;
#  - kubectl through every kubeconfig against a Go TLS endpoint (etcd on :6443, as
#    kube_kubectl.sh) serving apiserver.crt with its chain, client CA ca.crt;
#  - rotating the cluster CA (a new intermediate under the same root) needs no new trust: the old
#    ca.crt and the old admin.conf still verify and talk to the new certificates, both ways.
set -euo pipefail
KPKI=${KPKI:?set KPKI to the kpki binary}
source "$(dirname "$0")/lib/kube_lib.sh"
for tool in etcd etcdctl kubectl; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
kube_setup
W=$KUBE_WORK
export ETCDCTL_API=3 KUBECONFIG=/nonexistent HOME=$W
certs_in() { grep -c 'BEGIN CERTIFICATE' "$1"; }

# --- the root and ca create --parent-* ---------------------------------------------------------
mkdir -p "$W/offline" "$W/inter"
"$KPKI" ca create --key "$W/offline/root.key" --cn "kpki offline root" --path-length 1 \
  --out "$W/offline/root.crt" 2>/dev/null
"$KPKI" ca create --key "$W/inter/ca.key" --parent-cert "$W/offline/root.crt" \
  --parent-key "$W/offline/root.key" --cn kubernetes --out "$W/inter/ca.crt" 2>"$W/create.log"
grep -q 'signed by CN=kpki offline root' "$W/create.log" || fail "ca create did not name the parent"
[ "$(certs_in "$W/inter/ca.crt")" = 2 ] || fail "intermediate file should hold it and the root"
openssl x509 -in "$W/inter/ca.crt" -noout -text | grep -q 'CA:TRUE, pathlen:0' || fail "intermediate pathlen"
openssl verify -x509_strict -CAfile "$W/offline/root.crt" "$W/inter/ca.crt" >/dev/null || fail "intermediate does not verify"
serial=$(openssl x509 -in "$W/inter/ca.crt" -noout -serial | cut -d= -f2)
"$KPKI" ledger list --ca-cert "$W/offline/root.crt" -o csv | grep -qi "$serial" ||
  fail "the intermediate is not in the root's ledger"
[ ! -e "$W/inter/ledger.db" ] || fail "the intermediate was recorded beside itself, not in the root's ledger"
pass "ca create --parent-cert: intermediate with pathlen 0, chain in its file, in the root's ledger"
rc=0; "$KPKI" ca create --key "$W/inter/sub.key" --parent-cert "$W/inter/ca.crt" \
  --parent-key "$W/inter/ca.key" --cn sub --out "$W/inter/sub.crt" 2>"$W/sub.err" || rc=$?
[ "$rc" = 3 ] || fail "a CA under a pathlen-0 CA: exit $rc, want 3"
grep -q 'pathLenConstraint 0' "$W/sub.err" || fail "pathlen refusal: $(cat "$W/sub.err")"
[ ! -e "$W/inter/sub.crt" ] && [ ! -e "$W/inter/sub.key" ] || fail "refused ca create left files"
pass "no CA under a pathlen-0 CA (exit 3, nothing written)"

# --- init with rootCA --------------------------------------------------------------------------
cat >"$W/cluster.yaml" <<YAML
apiVersion: kpki/v1alpha1
kind: ClusterPKI
controlPlaneEndpoint: 127.0.0.1:6443
encryptionAlgorithm: ECDSA-P256
rootCA: {cert: offline/root.crt, key: offline/root.key}
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane}
  - {name: cp2, address: 127.0.0.2, role: control-plane}
  - {name: cp3, address: 127.0.0.3, role: control-plane}
  - {name: w1, address: 10.0.0.21, role: worker}
YAML
"$KPKI" init --config "$W/cluster.yaml" --dir "$W/out" >"$W/init.log"
CP=$W/out/nodes/cp1
for ca in pki/ca.crt pki/etcd/ca.crt pki/front-proxy-ca.crt; do
  [ "$(certs_in "$CP/$ca")" = 2 ] || fail "$ca should hold the intermediate and the root"
  openssl x509 -in "$CP/$ca" -noout -issuer | grep -q 'kpki offline root' || fail "$ca not issued by the root"
  openssl x509 -in "$CP/$ca" -noout -text | grep -q 'CA:TRUE, pathlen:0' || fail "$ca pathlen"
done
n=$("$KPKI" ledger list --ca-cert "$W/offline/root.crt" -o csv | grep -ciE 'etcd-ca|front-proxy-ca|kubernetes')
[ "$n" -ge 4 ] || fail "the root's ledger should list the 3 cluster intermediates (and the CLI's), found $n"
pass "ca, etcd-ca, front-proxy-ca: intermediates (pathlen 0) under the root, in the root's ledger"

strict() {  # strict CERTFILE PURPOSE: only the root is a trust anchor
  openssl verify -x509_strict -purpose "$2" -CAfile "$W/offline/root.crt" -untrusted "$1" "$1" >/dev/null ||
    fail "openssl verify -x509_strict (root only) $1"
}
for node in cp1 cp2 cp3 w1; do
  d=$W/out/nodes/$node
  while IFS= read -r crt; do
    [ "$(certs_in "$crt")" = 2 ] || fail "$crt should hold the leaf and its intermediate"
    purpose=sslclient
    openssl x509 -in "$crt" -noout -ext extendedKeyUsage | grep -q 'Server' && purpose=sslserver
    strict "$crt" $purpose
  done < <(find "$d" -name '*.crt' ! -name 'ca.crt' ! -name 'front-proxy-ca.crt')
  for conf in "$d"/*.conf; do
    kubectl --kubeconfig "$conf" config view --raw -o jsonpath='{.users[0].user.client-certificate-data}' |
      base64 -d >"$W/client.crt"
    [ "$(certs_in "$W/client.crt")" = 2 ] || fail "$conf client certificate lacks its chain"
    strict "$W/client.crt" sslclient
  done
done
# The chain in the file is what lets the root verify it: the leaf alone does not.
openssl x509 -in "$CP/pki/etcd/server.crt" -out "$W/leaf-only.crt"
if openssl verify -x509_strict -CAfile "$W/offline/root.crt" "$W/leaf-only.crt" >/dev/null 2>&1; then
  fail "a leaf without its intermediate verified against the root alone"
fi
pass "every leaf and kubeconfig client certificate verifies with only the root as trust anchor"
"$KPKI" init --config "$W/cluster.yaml" --dir "$W/out" | grep -qE '(^| )0 created, 0 replaced' ||
  fail "second init was not a no-op"
pass "second init keeps the tree"

# --- a 3-member etcd cluster -------------------------------------------------------------------
etcdctl_as() {  # etcdctl_as NODE CERT_BASE ARGS...
  local i=${1#cp} node=$W/out/nodes/$1 cert=$2; shift 2
  etcdctl --dial-timeout=5s --command-timeout=10s --endpoints="https://127.0.0.$i:2379" \
    --cacert="$node/pki/etcd/ca.crt" --cert="$node/pki/$cert.crt" --key="$node/pki/$cert.key" "$@"
}
cluster=""; for i in 1 2 3; do cluster+="${cluster:+,}cp$i=https://127.0.0.$i:2380"; done
for i in 1 2 3; do
  node=$W/out/nodes/cp$i
  start_daemon "$W/etcd$i.log" etcd --name "cp$i" --data-dir "$W/data$i" \
    --listen-client-urls "https://127.0.0.$i:2379" --advertise-client-urls "https://127.0.0.$i:2379" \
    --listen-peer-urls "https://127.0.0.$i:2380" --initial-advertise-peer-urls "https://127.0.0.$i:2380" \
    --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token kpki-root \
    --client-cert-auth --trusted-ca-file "$node/pki/etcd/ca.crt" \
    --cert-file "$node/pki/etcd/server.crt" --key-file "$node/pki/etcd/server.key" \
    --peer-client-cert-auth --peer-trusted-ca-file "$node/pki/etcd/ca.crt" \
    --peer-cert-file "$node/pki/etcd/peer.crt" --peer-key-file "$node/pki/etcd/peer.key"
done
wait_for 60 "etcd cluster health" etcdctl_as cp1 etcd/healthcheck-client endpoint health --cluster
[ "$(etcdctl_as cp2 apiserver-etcd-client member list | wc -l)" = 3 ] || fail "expected 3 members"
etcdctl_as cp1 apiserver-etcd-client put /kpki/root hello >/dev/null
[ "$(etcdctl_as cp3 apiserver-etcd-client get /kpki/root --print-value-only)" = hello ] || fail "etcd get"
if grep -l "rejected connection" "$W"/etcd*.log; then fail "an etcd member rejected a connection"; fi
pass "3-member etcd cluster: peer and client TLS through the intermediate, put on cp1, get on cp3"
for pgid in "${KUBE_PGIDS[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done

# --- kubectl through every kubeconfig ----------------------------------------------------------
endpoint() {  # endpoint LABEL CERT KEY CLIENT_CA: a Go TLS server on 127.0.0.1:6443
  start_daemon "$W/$1.log" etcd --name "$1" --data-dir "$W/$1-data" \
    --listen-client-urls https://127.0.0.1:6443 --advertise-client-urls https://127.0.0.1:6443 \
    --listen-peer-urls http://127.0.0.1:16443 --initial-advertise-peer-urls http://127.0.0.1:16443 \
    --initial-cluster "$1=http://127.0.0.1:16443" \
    --client-cert-auth --trusted-ca-file "$4" --cert-file "$2" --key-file "$3"
  wait_for 60 "TLS endpoint $1" kubectl --kubeconfig "$CP/admin.conf" get --raw /version
}
endpoint api "$CP/pki/apiserver.crt" "$CP/pki/apiserver.key" "$CP/pki/ca.crt"
for node in cp1 cp2 cp3 w1; do
  for conf in "$W/out/nodes/$node"/*.conf; do
    server=$(kubectl --kubeconfig "$conf" config view -o jsonpath='{.clusters[0].cluster.server}')
    [[ $server == https://127.0.0.1:6443 ]] || continue  # cp2/cp3 components talk to their own node
    kubectl --kubeconfig "$conf" get --raw /version | grep -q etcdserver || fail "kubectl with $conf"
  done
done
pass "kubectl through every kubeconfig that points at 127.0.0.1:6443 (apiserver.crt with its chain)"

# --- rotating the cluster CA under the same root needs no new trust -----------------------------
cp "$CP/pki/ca.crt" "$W/old-ca.crt"
cp "$CP/admin.conf" "$W/old-admin.conf"
old=$(openssl x509 -in "$W/old-ca.crt" -noout -fingerprint)
rm "$W/out/pki/ca.key"  # a new key for ca: init --force signs a new intermediate and its leaves
"$KPKI" init --config "$W/cluster.yaml" --dir "$W/out" --force >"$W/rotate.log"
[ "$(openssl x509 -in "$CP/pki/ca.crt" -noout -fingerprint)" != "$old" ] || fail "ca was not re-made"
openssl verify -x509_strict -CAfile "$W/old-ca.crt" -untrusted "$CP/pki/apiserver.crt" "$CP/pki/apiserver.crt" >/dev/null ||
  fail "the old ca.crt does not verify the new apiserver certificate"
for pgid in "${KUBE_PGIDS[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
for pgid in "${KUBE_PGIDS[@]}"; do
  for _ in $(seq 50); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pgid" 2>/dev/null || true
done
# New server certificate, OLD client CA file; an OLD kubeconfig (old CA data, old client cert).
endpoint api2 "$CP/pki/apiserver.crt" "$CP/pki/apiserver.key" "$W/old-ca.crt"
kubectl --kubeconfig "$W/old-admin.conf" get --raw /version | grep -q etcdserver ||
  fail "old admin.conf against the new apiserver certificate"
kubectl --kubeconfig "$CP/admin.conf" get --raw /version | grep -q etcdserver ||
  fail "new admin.conf against a server still trusting the old ca.crt"
pass "new intermediate under the same root: old trust files and kubeconfigs work both ways"

# --- kpki ca rotate under the root: the root signs the new intermediate ------------------------
cp "$CP/pki/etcd/ca.crt" "$W/old-etcd-ca.crt"
rotate() { "$KPKI" ca rotate etcd-ca --dir "$W/out" --config "$W/cluster.yaml" --phase "$1" >"$W/rotate-$1.log" 2>&1 ||
  { cat "$W/rotate-$1.log"; fail "ca rotate --phase $1"; }; }
rotate begin
[ "$(certs_in "$CP/pki/etcd/ca.crt")" = 3 ] || fail "begin: etcd/ca.crt should hold old, new and root"
new=$(ls "$W"/out/rotation/etcd-ca/*/new.crt)
openssl verify -x509_strict -CAfile "$W/offline/root.crt" "$new" >/dev/null || fail "the new etcd-ca is not the root's"
"$KPKI" ledger list --ca-cert "$W/offline/root.crt" -o csv | grep -qi "$(openssl x509 -in "$new" -noout -serial | cut -d= -f2)" ||
  fail "the new etcd-ca intermediate is not in the root's ledger"
rotate reissue
for c in etcd/server etcd/peer etcd/healthcheck-client apiserver-etcd-client; do
  [ "$(certs_in "$CP/pki/$c.crt")" = 2 ] || fail "reissue: $c.crt lacks the new intermediate"
  openssl verify -x509_strict -CAfile "$W/old-etcd-ca.crt" -untrusted "$CP/pki/$c.crt" "$CP/pki/$c.crt" >/dev/null ||
    fail "the etcd/ca.crt from before the rotation does not verify the reissued $c.crt"
done
rotate finish
[ "$(certs_in "$CP/pki/etcd/ca.crt")" = 2 ] || fail "finish: etcd/ca.crt should hold new and root"
cmp -s <(openssl x509 -in "$CP/pki/etcd/ca.crt") <(openssl x509 -in "$new") || fail "finish: etcd/ca.crt is not the new CA first"
"$KPKI" init --config "$W/cluster.yaml" --dir "$W/out" | grep -qE '(^| )0 created, 0 replaced' ||
  fail "init after the rotation was not a no-op"
pass "ca rotate etcd-ca under the root: new intermediate from the root; the old etcd/ca.crt verifies the reissued leaves"

# --- check-expiration: root and intermediates --------------------------------------------------
"$KPKI" certs check-expiration --dir "$CP" >"$W/exp.txt"
[ "$(grep -c '^root (kpki offline root)' "$W/exp.txt")" = 1 ] || { cat "$W/exp.txt"; fail "check-expiration: root listed once"; }
for ca in ca etcd-ca front-proxy-ca; do grep -q "^$ca " "$W/exp.txt" || fail "check-expiration: $ca"; done
pass "check-expiration lists the three intermediates and the root once"
echo "PASS"
