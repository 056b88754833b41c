#!/usr/bin/env bash
# kpki init of a 3 control-plane + 1 worker cluster, then a real 3-member etcd cluster on
# 127.0.0.1/.2/.3 started from the generated per-node etcd/server and etcd/peer certificates with
# client and peer certificate auth. Checks put/get with apiserver-etcd-client, endpoint health with
# healthcheck-client, no "rejected connection" in any member's log, and that a client certificate
# from another CA is rejected. Runs with file CA keys, then with CA keys on a SoftHSM token when
# this build has PKCS#11 support.
set -euo pipefail
KPKI=${KPKI:?set KPKI to the kpki binary}
source "$(dirname "$0")/lib/kube_lib.sh"

for tool in etcd etcdctl; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed (apt-get install etcd-server etcd-client)"; exit 77; }
done
kube_setup
export ETCDCTL_API=3

write_config() {  # write_config FILE [caKeys block]
  cat >"$1" <<YAML
apiVersion: kpki/v1alpha1
kind: ClusterPKI
clusterName: kubernetes
controlPlaneEndpoint: 127.0.0.1:6443   # cp1; a stable endpoint is required with 3 control-plane nodes
encryptionAlgorithm: ECDSA-P256
apiServer:
  certSANs: [k8s.example.com]
${2:-}
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane}
  - {name: cp2, address: 127.0.0.2, role: control-plane}
  - {name: cp3, address: 127.0.0.3, role: control-plane}
  - {name: w1, address: 10.0.0.21, role: worker}
YAML
}

# One endpoint per call: a multi-endpoint client abandons its handshakes with the other members
# when the command ends, which the members log as "rejected connection ... EOF".
etcdctl_as() {  # etcdctl_as NODE_DIR CERT_BASE ARGS... (talks to the node's own member)
  local node=$1 cert=$2; shift 2
  local ip
  ip=$(openssl x509 -in "$node/pki/etcd/server.crt" -noout -ext subjectAltName | grep -o 'IP Address:127[.0-9]*' | head -1 | cut -d: -f2)
  etcdctl --dial-timeout=5s --command-timeout=10s --endpoints="https://$ip:2379" \
    --cacert="$node/pki/etcd/ca.crt" --cert="$node/pki/$cert.crt" --key="$node/pki/$cert.key" "$@"
}

run_cluster() {  # run_cluster LABEL OUT
  local label=$1 out=$2 i node cluster=""
  for i in 1 2 3; do cluster+="${cluster:+,}cp$i=https://127.0.0.$i:2380"; done
  local first_pgid=${#KUBE_PGIDS[@]}
  for i in 1 2 3; do
    node="$out/nodes/cp$i"
    start_daemon "$KUBE_WORK/$label-etcd$i.log" etcd --name "cp$i" \
      --data-dir "$KUBE_WORK/$label-data$i" \
      --listen-client-urls "https://127.0.0.$i:2379" --advertise-client-urls "https://127.0.0.$i:2379" \
      --listen-peer-urls "https://127.0.0.$i:2380" --initial-advertise-peer-urls "https://127.0.0.$i:2380" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "kpki-$label" \
      --client-cert-auth --trusted-ca-file "$node/pki/etcd/ca.crt" \
      --cert-file "$node/pki/etcd/server.crt" --key-file "$node/pki/etcd/server.key" \
      --peer-client-cert-auth --peer-trusted-ca-file "$node/pki/etcd/ca.crt" \
      --peer-cert-file "$node/pki/etcd/peer.crt" --peer-key-file "$node/pki/etcd/peer.key"
  done
  local cp1="$out/nodes/cp1" cp2="$out/nodes/cp2" cp3="$out/nodes/cp3"
  wait_for 60 "[$label] etcd cluster health" etcdctl_as "$cp1" etcd/healthcheck-client endpoint health --cluster
  etcdctl_as "$cp2" etcd/healthcheck-client endpoint health --cluster
  pass "[$label] endpoint health --cluster with cp2's healthcheck-client"
  [ "$(etcdctl_as "$cp1" apiserver-etcd-client member list | wc -l)" = 3 ] || fail "[$label] expected 3 members"
  etcdctl_as "$cp1" apiserver-etcd-client put /kpki/probe "hello-$label" >/dev/null
  local got
  got=$(etcdctl_as "$cp3" apiserver-etcd-client get /kpki/probe --print-value-only)
  [ "$got" = "hello-$label" ] || fail "[$label] get returned '$got'"
  pass "[$label] put via cp1's apiserver-etcd-client, get via cp3's"
  if grep -l "rejected connection" "$KUBE_WORK/$label"-etcd*.log; then
    grep -h "rejected connection" "$KUBE_WORK/$label"-etcd*.log | head -5
    fail "[$label] an etcd member rejected a connection"
  fi
  pass "[$label] no 'rejected connection' in any member's log"

  # Negative: a client certificate from another CA must be refused.
  local rogue="$KUBE_WORK/$label-rogue"
  mkdir -p "$rogue"
  "$KPKI" ca create --key "$rogue/ca.key" --cn etcd-ca --dns etcd-ca --out "$rogue/ca.crt" 2>/dev/null
  "$KPKI" issue --ca-cert "$rogue/ca.crt" --ca-key "$rogue/ca.key" --profile client \
    --cn kube-apiserver-etcd-client --key "$rogue/client.key" --out "$rogue/client.crt" 2>/dev/null
  if etcdctl --dial-timeout=3s --command-timeout=5s --endpoints=https://127.0.0.1:2379 \
      --cacert="$cp1/pki/etcd/ca.crt" --cert="$rogue/client.crt" --key="$rogue/client.key" \
      get /kpki/probe >/dev/null 2>&1; then
    fail "[$label] etcd accepted a client certificate from another CA"
  fi
  wait_for 10 "[$label] etcd logging the rogue rejection" grep -q "rejected connection" "$KUBE_WORK/$label-etcd1.log"
  pass "[$label] client certificate from another CA rejected"

  local j
  for ((j = first_pgid; j < ${#KUBE_PGIDS[@]}; j++)); do kill -TERM -- "-${KUBE_PGIDS[$j]}" 2>/dev/null || true; done
  for ((j = first_pgid; j < ${#KUBE_PGIDS[@]}; j++)); do
    for _ in $(seq 50); do kill -0 -- "-${KUBE_PGIDS[$j]}" 2>/dev/null || break; sleep 0.1; done
    # The next round binds the same ports: a member that ignored TERM must not hold them.
    kill -KILL -- "-${KUBE_PGIDS[$j]}" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- "-${KUBE_PGIDS[$j]}" 2>/dev/null || break; sleep 0.1; done
  done
}

# 1. CA keys in files (the defaults under OUT/pki).
write_config "$KUBE_WORK/files.yaml"
"$KPKI" init --config "$KUBE_WORK/files.yaml" --dir "$KUBE_WORK/files" >"$KUBE_WORK/init-files.log"
[ -f "$KUBE_WORK/files/nodes/cp1/pki/ca.key" ] || fail "file CA key not copied to cp1"
[ ! -e "$KUBE_WORK/files/nodes/w1/pki/ca.key" ] || fail "worker got a CA key"
# kubeadm writes super-admin.conf (system:masters) only where `kubeadm init` runs.
[ -f "$KUBE_WORK/files/nodes/cp1/super-admin.conf" ] || fail "no super-admin.conf on cp1"
for n in cp2 cp3; do
  [ ! -e "$KUBE_WORK/files/nodes/$n/super-admin.conf" ] || fail "super-admin.conf on $n"
done
run_cluster files "$KUBE_WORK/files"

# 2. CA keys on a SoftHSM token.
if ! "$KPKI" hsm tokens >/dev/null 2>&1; then
  echo "SKIP (visible): PKCS#11 part - 'kpki hsm tokens' does not work in this build"
  exit 0
fi
module=${KPKI_PKCS11_MODULE:-}
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so; do
  [ -n "$module" ] || { [ -f "$m" ] && module=$m; }
done
if [ -z "$module" ] || ! command -v softhsm2-util >/dev/null; then
  echo "SKIP (visible): PKCS#11 part - SoftHSM not installed"
  exit 0
fi
export KPKI_PKCS11_MODULE=$module
mkdir -p "$KUBE_WORK/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\n' "$KUBE_WORK/tokens" >"$KUBE_WORK/softhsm2.conf"
export SOFTHSM2_CONF="$KUBE_WORK/softhsm2.conf"
softhsm2-util --init-token --free --label kube-ca --pin 1234 --so-pin 5678 >/dev/null
echo 1234 >"$KUBE_WORK/pin.txt" && chmod 600 "$KUBE_WORK/pin.txt"  # kpki refuses shared PIN files
uri() { echo "\"pkcs11:token=kube-ca;object=$1?pin-source=file:pin.txt\""; }
write_config "$KUBE_WORK/hsm.yaml" "caKeys:
  ca: $(uri kubernetes-ca)
  etcd-ca: $(uri etcd-ca)
  front-proxy-ca: $(uri front-proxy-ca)"
"$KPKI" init --config "$KUBE_WORK/hsm.yaml" --dir "$KUBE_WORK/hsm" >"$KUBE_WORK/init-hsm.log"
if find "$KUBE_WORK/hsm" -name 'ca.key' -o -name 'front-proxy-ca.key' | grep .; then
  fail "a CA private key was written although the CA keys are on the token"
fi
pass "[hsm] no CA private key anywhere under OUT"
"$KPKI" init --config "$KUBE_WORK/hsm.yaml" --dir "$KUBE_WORK/hsm" | grep -qE '(^| )0 created, 0 replaced' ||
  fail "[hsm] second init was not a no-op"
run_cluster hsm "$KUBE_WORK/hsm"
echo "PASS"
