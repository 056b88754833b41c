#!/usr/bin/env bash
# No silent side effects (issue 23): `ca create` on a token makes no key unless --generate (a
# mistyped object= is refused, nothing is created on the token or on disk), and with it says
# which token and object; `csr` and `issue` say when they make a key; `bench --pkcs11-uri` leaves
# on the token only what was there before; a file CA's rotation `finish` says where the old and new
# keys are and what to destroy.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
require_softhsm
cd "$WORK"
make_token quiet
uri() { echo "pkcs11:token=quiet;object=$1?pin-source=file:$PIN"; }
labels() { "$KPKI" hsm keys "pkcs11:token=quiet?pin-source=file:$PIN" -o json |
  python3 -c 'import json,sys; print(" ".join(sorted({k["label"] for k in json.load(sys.stdin)["items"]})))'; }

# --- ca create on a token ------------------------------------------------------------------------
expect_ok "the CA key on the token" "$KPKI" key generate "$(uri kubernetes-ca)" --algorithm ecdsa-p256
expect_error "a mistyped object= is refused, naming --generate" \
  "key 'pkcs11:token=quiet;object=kubernetes-cq\?pin-source=file:.*' is not on the token: .*--generate" \
  "$KPKI" ca create --key "$(uri kubernetes-cq)" --cn kubernetes --out typo.crt
rc=0; "$KPKI" ca create --key "$(uri kubernetes-cq)" --cn kubernetes --out typo.crt 2>/dev/null || rc=$?
expect_ok "exit 4 (not found)" test "$rc" = 4
expect_ok "nothing made on the token" test "$(labels)" = "kubernetes-ca"
expect_ok "nothing written" test ! -e typo.crt
"$KPKI" ca create --key "$(uri kubernetes-ca)" --cn kubernetes --out ca.crt >out.txt 2>err.txt
expect_ok "the existing key is used, and said" grep -q "^used existing ecdsa-p256 key pkcs11:token=quiet;object=kubernetes-ca?" err.txt
expect_ok "the result on stdout" grep -q "^wrote ca.crt (ca, CN=kubernetes, serial [0-9A-F]*)$" out.txt
"$KPKI" ca create --key "$(uri etcd-ca)" --generate --cn etcd-ca --out etcd.crt >/dev/null 2>err.txt
expect_ok "--generate says token and object" grep -q "^generated ecdsa-p256 key pkcs11:token=quiet;object=etcd-ca?.* (a new key on token 'quiet', object 'etcd-ca')$" err.txt
expect_ok "--generate made the key" test "$(labels)" = "etcd-ca kubernetes-ca"
# A key file is made as before (and said).
"$KPKI" ca create --key file-ca.key --cn file-ca --out file-ca.crt >/dev/null 2>err.txt
expect_ok "a key file: generated and said" grep -q "^generated ecdsa-p256 key file-ca.key (a new key file)$" err.txt

# --- csr and issue say when they make a key -------------------------------------------------------
"$KPKI" csr --key node.key --cn n1 --out node.csr >out.txt 2>err.txt
expect_ok "csr: a new key, said" grep -q "^generated ecdsa-p256 key node.key (a new key file)$" err.txt
expect_ok "csr: result on stdout" grep -q "^wrote node.csr (CN=n1)$" out.txt
"$KPKI" csr --key node.key --cn n1 --out node2.csr >/dev/null 2>err.txt
expect_ok "csr: an existing key, said" grep -q "^used existing ecdsa-p256 key node.key$" err.txt

# --- bench removes the keys it made ----------------------------------------------------------------
"$KPKI" key generate "$(uri kpki-bench-ecdsa-p384)" --algorithm ecdsa-p384 >/dev/null 2>&1
before=$(labels)
"$KPKI" bench --pkcs11-uri "pkcs11:token=quiet?pin-source=file:$PIN" --backends pkcs11 \
  --algorithms ecdsa-p256,ecdsa-p384 --duration 0.02s --threads 1 -o json >bench.json 2>err.txt ||
  fail "bench: $(cat err.txt)"
expect_ok "bench measured both" test "$(python3 -c 'import json; print(len(json.load(open("bench.json"))["rows"]))')" = 2
expect_ok "bench left the token as it was (its own key removed, the user's kept)" test "$(labels)" = "$before"
expect_ok "bench said what it removed" grep -q "^removed the bench key pkcs11:token=quiet;object=kpki-bench-ecdsa-p256?.* from its token$" err.txt
expect_ok "bench did not remove the key it found" sh -c "! grep -q 'kpki-bench-ecdsa-p384' err.txt"

# --- rotation finish of a file CA says where the keys are -------------------------------------------
cat >c.yaml <<'YAML'
apiVersion: kpki/v1alpha1
kind: ClusterPKI
encryptionAlgorithm: ECDSA-P256
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane}
YAML
"$KPKI" init --config c.yaml --dir out >/dev/null 2>&1 || fail "init"
for phase in begin reissue; do
  "$KPKI" ca rotate front-proxy-ca --dir out --config c.yaml --phase $phase >/dev/null 2>&1 || fail "rotate $phase"
done
"$KPKI" ca rotate front-proxy-ca --dir out --config c.yaml --phase finish >out.txt 2>err.txt || fail "finish: $(cat err.txt)"
expect_ok "finish: the new key" grep -q "^front-proxy-ca keys: the new key is out/pki/front-proxy-ca.key" err.txt
expect_ok "finish: the old key kept, what to do" grep -q "the old key is kept at out/rotation/front-proxy-ca/1/old.key: destroy it (shred -u) once no component trusts the old CA" err.txt
expect_ok "finish: the second copy of the new key named" grep -q "out/rotation/front-proxy-ca/1/new.key is a second copy of the new key" err.txt
expect_ok "those files are there" test -f out/rotation/front-proxy-ca/1/old.key -a -f out/rotation/front-proxy-ca/1/new.key
expect_ok "new.key is the live key" cmp -s out/rotation/front-proxy-ca/1/new.key out/pki/front-proxy-ca.key
finish
