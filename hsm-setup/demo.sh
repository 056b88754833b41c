#!/usr/bin/env bash
# The main job on an embedded default: build kpki, make a project-local SoftHSM token (.hsm/),
# then `kpki init` a 3 control-plane + 2 worker cluster into ./out with the three CA keys generated
# on the token (no CA private key ever touches disk), and show one node's check-expiration.
# Re-running keeps everything that is already there.
#   OUT_DIR     where the cluster tree goes (default: ./out)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bash "$repo/hsm-setup/build.sh" --tool-only  # the tool and its modules, not the tests
kpki=$repo/build/cli/kpki
out=${OUT_DIR:-$PWD/out}
hsm_dir=$repo/.hsm

eval "$(KPKI="$kpki" bash "$repo/hsm-setup/make-token.sh" --dir "$hsm_dir" --label kube-ca)"
mkdir -p "$out"
chmod 700 "$out"
uri() { printf '"pkcs11:token=kube-ca;object=%s?pin-source=file:%s"' "$1" "$hsm_dir/user-pin"; }
# The example cluster with its CA keys on the token.
{
  grep -v '^#' "$repo/docs/examples/cluster.yaml" | sed '/^nodes:/,$d'
  echo "caKeys:"
  echo "  ca: $(uri kubernetes-ca)"
  echo "  etcd-ca: $(uri etcd-ca)"
  echo "  front-proxy-ca: $(uri front-proxy-ca)"
  sed -n '/^nodes:/,$p' "$repo/docs/examples/cluster.yaml"
} > "$out/cluster.yaml"

"$kpki" init --config "$out/cluster.yaml" --dir "$out"
echo
"$kpki" hsm keys "pkcs11:token=kube-ca?pin-source=file:$hsm_dir/user-pin"
echo
"$kpki" certs check-expiration --dir "$out/nodes/cp1"
echo
echo "CA private keys under $out: $(find "$out" -name 'ca.key' -o -name 'front-proxy-ca.key' | wc -l)" \
  "(they live on the token: SOFTHSM2_CONF=$SOFTHSM2_CONF)"
