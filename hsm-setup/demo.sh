#!/usr/bin/env bash
# The main job on an embedded default: build kpki, then create a CA and a server, a client and a
# peer certificate into ./out, and verify them.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bash "$repo/hsm-setup/build.sh"
kpki=$repo/build/cli/kpki
out=${OUT_DIR:-$PWD/out}
mkdir -p "$out"
[ -f "$out/ca.crt" ] || "$kpki" ca create --key "$out/ca.key" --algorithm ecdsa-p256 --cn kubernetes \
  --dns kubernetes --out "$out/ca.crt"
issue() {
  local profile=$1 name=$2; shift 2
  [ -f "$out/$name.crt" ] || "$kpki" issue --ca-cert "$out/ca.crt" --ca-key "$out/ca.key" --profile "$profile" \
    --key "$out/$name.key" --out "$out/$name.crt" "$@"
}
issue server apiserver --cn kube-apiserver --dns kubernetes --dns kubernetes.default --ip 10.96.0.1 --ip 127.0.0.1
issue client admin --cn kubernetes-admin --org kubeadm:cluster-admins
issue peer etcd-peer --cn cp1 --dns cp1 --dns localhost --ip 127.0.0.1 --ip ::1
"$kpki" verify --ca "$out/ca.crt" "$out/apiserver.crt" --purpose server --host kubernetes.default
"$kpki" verify --ca "$out/ca.crt" "$out/admin.crt" --purpose client
"$kpki" verify --ca "$out/ca.crt" "$out/etcd-peer.crt" --purpose server --host 127.0.0.1
ls -l "$out"
