#!/usr/bin/env bash
# The cluster CA rotated under kubectl: `kubectl get --raw /version` with every kubeconfig
# (admin, super-admin, controller-manager, scheduler, kubelet of a control plane and of a worker)
# against a stand-in for kube-apiserver on 127.0.0.1:22443 -- etcd serving the apiserver
# certificate with client-certificate auth against the node's pki/ca.crt (Go's TLS stack, as in
# kube-apiserver; peer port 22444). After each phase (begin, reissue, finish) every kubeconfig
# works against the running stand-in, and again once it is restarted on the files now on disk.
# At the end an admin.conf from before the rotation is refused.
set -euo pipefail
KPKI=${KPKI:?set KPKI to the kpki binary}
source "$(dirname "$0")/lib/kube_lib.sh"
CHECK="python3 ${KPKI_SOURCE_DIR:-$(dirname "$0")/../..}/tests/scripts/lib/rotation_check.py"
for tool in etcd kubectl; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
kube_setup
W=$KUBE_WORK OUT=$KUBE_WORK/out CP=$KUBE_WORK/out/nodes/cp1 WK=$KUBE_WORK/out/nodes/w1
export KUBECONFIG=/nonexistent HOME=$W

cat >"$W/cluster.yaml" <<'YAML'
apiVersion: kpki/v1alpha1
kind: ClusterPKI
controlPlaneEndpoint: 127.0.0.1:22443
encryptionAlgorithm: ECDSA-P256
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane, bindPort: 22443}
  - {name: w1, address: 10.0.0.21, role: worker}
YAML
"$KPKI" init --config "$W/cluster.yaml" --dir "$OUT" >/dev/null
for conf in admin super-admin controller-manager scheduler kubelet; do
  [ "$(kubectl --kubeconfig "$CP/$conf.conf" config view -o jsonpath='{.clusters[0].cluster.server}')" = https://127.0.0.1:22443 ] || fail "$conf.conf does not point at :22443"
done

STARTS=0 PG=""
start_standin() {
  STARTS=$((STARTS + 1))
  start_daemon "$W/standin-$STARTS.log" etcd --name standin --data-dir "$W/standin-data" \
    --listen-client-urls https://127.0.0.1:22443 --advertise-client-urls https://127.0.0.1:22443 \
    --listen-peer-urls http://127.0.0.1:22444 --initial-advertise-peer-urls http://127.0.0.1:22444 \
    --initial-cluster standin=http://127.0.0.1:22444 --listen-metrics-urls "" \
    --client-cert-auth --trusted-ca-file "$CP/pki/ca.crt" \
    --cert-file "$CP/pki/apiserver.crt" --key-file "$CP/pki/apiserver.key"
  PG=${KUBE_PGIDS[-1]}
  wait_for 60 "stand-in on 127.0.0.1:22443" kubectl --kubeconfig "$CP/admin.conf" get --raw /version
}
stop_standin() {
  kill -TERM -- "-$PG" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 -- "-$PG" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$PG" 2>/dev/null || true
}
every_kubeconfig() {  # every_kubeconfig WHEN
  local conf out
  for conf in "$CP"/{admin,super-admin,controller-manager,scheduler,kubelet}.conf "$WK/kubelet.conf"; do
    out=$(kubectl --kubeconfig "$conf" --request-timeout=10s get --raw /version 2>&1) ||
      fail "$1: kubectl with $conf: $out"
    echo "$out" | grep -q etcdserver || fail "$1: unexpected /version answer with $conf: $out"
  done
  pass "$1: kubectl get --raw /version with all 6 kubeconfigs"
}

start_standin
every_kubeconfig "before the rotation"
cp "$CP/admin.conf" "$W/old-admin.conf"
for phase in begin reissue finish; do
  "$KPKI" ca rotate ca --dir "$OUT" --config "$W/cluster.yaml" --phase $phase >"$W/rotate-$phase.log" ||
    fail "ca rotate ca --phase $phase: $(tail -1 "$W/rotate-$phase.log")"
  every_kubeconfig "after $phase, stand-in not yet restarted"
  stop_standin
  start_standin
  every_kubeconfig "after $phase, stand-in restarted on the new files"
done
NEW="$OUT/rotation/ca/1/new.crt"
$CHECK trust "$OUT" ca "$NEW" || fail "trust is not the new CA only"
$CHECK leaves "$OUT" ca "$NEW" || fail "a leaf does not verify under the new CA"
if kubectl --kubeconfig "$W/old-admin.conf" --request-timeout=5s get --raw /version >/dev/null 2>&1; then
  fail "an admin.conf from before the rotation still works"
fi
# Its client certificate (old CA) is refused by the server even when the server is trusted.
sed "s|certificate-authority-data: .*|certificate-authority-data: $(base64 -w0 <"$NEW")|" \
  "$W/old-admin.conf" >"$W/old-client.conf"
if out=$(kubectl --kubeconfig "$W/old-client.conf" --request-timeout=5s get --raw /version 2>&1); then
  fail "the stand-in accepted a client certificate from the old CA"
fi
wait_for 10 "the stand-in logging the old-CA client rejection" \
  sh -c "grep 'rejected connection' '$W/standin-$STARTS.log' | grep -q 'certificate'"
pass "admin.conf from before the rotation refused (its client certificate too, with the new trust)"
echo PASS
