#!/usr/bin/env bash
# Key URIs are their backends' to read (scheme descriptors, docs/architecture.md), and the CA keys
# are found where the docs put them:
#  - docs/examples/cluster.yaml: `certs renew` on a worker and on a control-plane node directory
#    signs with OUT/pki/<ca>.key (the documented default), though a worker has no CA key copy;
#  - caKeys naming libp11: URIs with a relative pin-source=file: (resolved against the config's
#    directory): init signs with the token keys and writes no file named after the URI;
#  - `ca rotate --phase finish --out-config new.yaml` (a bare file name, as the docs show) writes
#    new.yaml in the current directory.
source "$(dirname "$0")/lib/common.sh"
MODULE=/usr/lib/softhsm/libsofthsm2.so
pubkey() { openssl x509 -in "$1" -noout -pubkey; }
cd "$WORK"

# --- renew with the example config ----------------------------------------------------------
cp "$KPKI_SOURCE_DIR/docs/examples/cluster.yaml" cluster.yaml
expect_ok "init with the example config" "$KPKI" init --config cluster.yaml --dir out
expect_ok "a worker has no CA key of its own" test ! -e out/nodes/w1/pki/ca.key
for node in w1 cp2; do
  expect_ok "renew kubelet and kubelet.conf on $node (CA key from out/pki)" \
    "$KPKI" certs renew kubelet kubelet.conf --dir "out/nodes/$node" --config cluster.yaml
done
expect_ok "the renewed worker kubeconfig verifies under the CA" sh -c \
  "grep client-certificate-data out/nodes/w1/kubelet.conf | awk '{print \$2}' | tr -d '\"' |
   base64 -d >w1.crt && openssl verify -CAfile out/pki/ca.crt w1.crt out/nodes/w1/kubelet/kubelet.crt"
rm out/pki/ca.key
expect_error "no CA key anywhere: one line naming the documented file" "no key for ca: 'out/pki/ca.key' is absent" \
  "$KPKI" certs renew kubelet.conf --dir out/nodes/w1 --config cluster.yaml
expect_ok "a control-plane node still has its own copy" \
  "$KPKI" certs renew kubelet.conf --dir out/nodes/cp1 --config cluster.yaml

# --- libp11: CA keys, relative PIN file -----------------------------------------------------
if ! command -v softhsm2-util >/dev/null || [ ! -r "$MODULE" ] || ! "$KPKI" hsm --help >/dev/null 2>&1; then
  echo "SKIP: SoftHSM2 or PKCS#11 support missing: token parts skipped"
  finish; exit
fi
TOKEN=kube-ca
eval "$("$KPKI_SOURCE_DIR/hsm-setup/make-token.sh" --dir "$WORK/hsm" --label $TOKEN --keys \
  --kpki "$KPKI" 2>/dev/null)"
mkdir cfg && cp "$WORK/hsm/user-pin" cfg/pin && chmod 600 cfg/pin
write_config() {  # write_config FILE SCHEME
  cat >"$1" <<YAML
apiVersion: kpki/v1alpha1
kind: ClusterPKI
controlPlaneEndpoint: 127.0.0.1:6443
encryptionAlgorithm: ECDSA-P256
caKeys:
  ca: "$2:token=$TOKEN;object=kubernetes-ca?pin-source=file:pin"
  etcd-ca: "$2:token=$TOKEN;object=etcd-ca?pin-source=file:pin"
  front-proxy-ca: "$2:token=$TOKEN;object=front-proxy-ca?pin-source=file:pin"
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane}
  - {name: w1, address: 10.0.0.21, role: worker}
YAML
}
write_config cfg/lp.yaml libp11
if "$KPKI" init --config cfg/lp.yaml --dir lp --dry-run 2>&1 | grep -q "built without libp11"; then
  echo "SKIP: kpki built without libp11: libp11 part skipped" >&2
else
  expect_ok "init with libp11: caKeys and a relative pin-source" \
    "$KPKI" init --config cfg/lp.yaml --dir lp
  expect_ok "no file named after the URI" test -z "$(find "$WORK" -name '*libp11:*' -o -name '*token=*')"
  expect_ok "no CA key file in the tree" test -z "$(find lp -name 'ca.key' -o -name 'front-proxy-ca.key')"
  # The token key signed: a certificate kpki makes with the same token key has its public key.
  expect_ok "ca create with the same token key through pkcs11:" "$KPKI" ca create \
    --key "pkcs11:token=$TOKEN;object=kubernetes-ca?pin-source=file:cfg/pin" --cn probe --out probe.crt
  expect_ok "the cluster CA certifies the token key" test "$(pubkey lp/pki/ca.crt)" = "$(pubkey probe.crt)"
  expect_ok "leaves verify under it" openssl verify -CAfile lp/pki/ca.crt lp/nodes/cp1/pki/apiserver.crt
fi

# --- rotate finish --out-config with a bare file name ---------------------------------------
write_config cfg/token.yaml pkcs11
expect_ok "init (pkcs11: keys)" "$KPKI" init --config cfg/token.yaml --dir tk
for phase in begin reissue; do
  expect_ok "rotate front-proxy-ca $phase" "$KPKI" ca rotate front-proxy-ca --dir tk \
    --config cfg/token.yaml --phase $phase
done
expect_ok "finish --out-config new.yaml (bare name)" "$KPKI" ca rotate front-proxy-ca --dir tk \
  --config cfg/token.yaml --phase finish --out-config new.yaml
expect_ok "new.yaml is in the current directory, naming the new label" \
  grep -q "object=front-proxy-ca-r1" new.yaml
expect_ok "init with new.yaml keeps the tree" "$KPKI" init --config new.yaml --dir tk --dry-run

finish
