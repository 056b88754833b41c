#!/usr/bin/env bash
# A PIN given as pin-value never leaves kpki: for every verb that takes a key URI (key generate,
# ca create, issue, csr, sign, key public, hsm keys, kubeconfig user, init, init --dry-run, certs
# renew) run with a pin-value URI, the PIN appears in neither stdout nor stderr nor any file kpki
# wrote; nor in the errors for URIs that spell pin-value in the path, in upper case or
# percent-encoded; nor any part of a hostile PIN (quotes, a space, then '#', %-encoded, given
# twice), in the ledger's caKeyUri and command too.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
require_softhsm
cd "$WORK"

PIN="pin$RANDOM$RANDOM-leak-marker"
export KPKI_PKCS11_MODULE=$MODULE
softhsm_conf "$WORK"
init_token redact "so-$PIN" "$PIN"
uri() { echo "pkcs11:token=redact;object=$1?pin-value=$PIN"; }
mkdir -p out && : >stdout.txt && : >stderr.txt

# run WHAT CMD...: runs a kpki verb that must succeed; its stdout and stderr are kept.
run() {
  local what=$1; shift
  if "$@" >>stdout.txt 2>>stderr.txt; then pass; else fail "$what failed: $(tail -2 stderr.txt)"; fi
}
# run_failing WHAT CMD...: a kpki verb that must fail; its output is kept all the same.
run_failing() {
  local what=$1; shift
  if "$@" >>stdout.txt 2>>stderr.txt; then fail "$what: expected an error"; else pass; fi
}

run "key generate" "$KPKI" key generate "$(uri ca)" --algorithm ecdsa-p256
run "ca create" "$KPKI" ca create --key "$(uri ca)" --cn redact-ca --out out/ca.crt
run "issue (token CA key)" "$KPKI" issue --ca-cert out/ca.crt --ca-key "$(uri ca)" --profile client \
  --cn c --key out/c.key --out out/c.crt
run "issue (token leaf key)" "$KPKI" issue --ca-cert out/ca.crt --ca-key "$(uri ca)" --profile server \
  --cn s --dns s.example.com --key "$(uri leaf)" --out out/s.crt
run "csr" "$KPKI" csr --key "$(uri csr)" --cn x --out out/x.csr
run "sign" "$KPKI" sign --ca-cert out/ca.crt --ca-key "$(uri ca)" --csr out/x.csr --profile client \
  --out out/x.crt
run "key public" "$KPKI" key public "$(uri ca)" --out out/ca.pub
run "key public (stdout)" "$KPKI" key public "$(uri ca)"
run "hsm keys" "$KPKI" hsm keys "pkcs11:token=redact?pin-value=$PIN"
run "hsm keys json" "$KPKI" hsm keys "pkcs11:token=redact?pin-value=$PIN" -o json
run "kubeconfig user" sh -c '"$1" kubeconfig user --client-name jane --ca-cert out/ca.crt \
  --ca-key "$2" --server https://k8s.example.com:6443 > out/jane.conf' _ "$KPKI" "$(uri ca)"

# The cluster config is the one file that holds the PIN on purpose.
cat >cluster.yaml <<YAML
apiVersion: kpki/v1alpha1
kind: ClusterPKI
clusterName: kubernetes
controlPlaneEndpoint: k8s.example.com   # required with two control-plane nodes
encryptionAlgorithm: ECDSA-P256
caKeys:
  ca: "$(uri kubernetes-ca)"
  etcd-ca: "$(uri etcd-ca)"
  front-proxy-ca: "$(uri front-proxy-ca)"
nodes:
  - {name: cp1, address: 10.0.0.1, role: control-plane}
  - {name: cp2, address: 10.0.0.2, role: control-plane}
  - {name: w1, address: 10.0.0.21, role: worker}
YAML
run "init --dry-run" "$KPKI" init --config cluster.yaml --dir out/cluster --dry-run
run "init" "$KPKI" init --config cluster.yaml --dir out/cluster
run "init again" "$KPKI" init --config cluster.yaml --dir out/cluster
run "init --dry-run after init" "$KPKI" init --config cluster.yaml --dir out/cluster --dry-run
run "certs renew" "$KPKI" certs renew --dir out/cluster/nodes/cp1 --config cluster.yaml all

# Errors that quote the URI: duplicate label, missing key, missing token, CA key mismatch.
run_failing "duplicate label" "$KPKI" key generate "$(uri ca)" --algorithm ecdsa-p256
run_failing "missing key" "$KPKI" key public "$(uri absent)"
run_failing "missing token" "$KPKI" key public "pkcs11:token=nope;object=a?pin-value=$PIN"
run_failing "no object" "$KPKI" key generate "pkcs11:token=redact?pin-value=$PIN"
run_failing "unknown scheme" "$KPKI" key public "pkcs12:token=redact?pin-value=$PIN"
run_failing "CA key mismatch" "$KPKI" ca create --key "$(uri leaf)" --cn x --out out/ca.crt
# Spellings the parser refuses must be masked in its error all the same.
run_failing "pin-value in the path" "$KPKI" key public "pkcs11:token=redact;pin-value=$PIN;object=ca"
run_failing "upper-case PIN-VALUE" "$KPKI" key public "pkcs11:token=redact;object=ca?PIN-VALUE=$PIN"
run_failing "percent-encoded name" "$KPKI" key public "pkcs11:token=redact;object=ca?pin%2Dvalue=$PIN"
run_failing "bad escape after the PIN" "$KPKI" key public "pkcs11:token=redact;object=ca?pin-value=$PIN%zz"
run_failing "repeated pin-value" "$KPKI" key public "$(uri ca)&pin-value=$PIN"
run_failing "unknown option" "$KPKI" key public "$(uri ca)" --no-such-option "$(uri ca)"
cat >bad.yaml <<YAML
apiVersion: kpki/v1alpha1
kind: ClusterPKI
caKeys:
  ca: "pkcs11:token=redact;PIN-Value=$PIN;object=x"
nodes:
  - {name: cp1, address: 10.0.0.1, role: control-plane}
YAML
run_failing "init with a bad URI" "$KPKI" init --config bad.yaml --dir out/bad --dry-run

# A hostile PIN: quotes, a space, '#' and %-escapes are all part of a pin-value (only '&' ends it),
# so all of it is masked, on stderr, in the ledger's caKeyUri and command, and in errors.
HOSTILE="s3cr'et tail\"end-$RANDOM$RANDOM"
TAIL=${HOSTILE#*\'}  # what a redaction stopping at the quote would show
ENCODED=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$HOSTILE")
init_token hostile "so-$RANDOM" "$HOSTILE"
huri() { echo "pkcs11:token=hostile;object=$1?pin-value=$HOSTILE"; }
mkdir -p out/hostile
run "hostile PIN: key generate" "$KPKI" key generate "$(huri hca)" --algorithm ecdsa-p256
run "hostile PIN: ca create" "$KPKI" ca create --key "$(huri hca)" --cn hostile-ca --out out/hostile/ca.crt
run "hostile PIN: issue" "$KPKI" issue --ca-cert out/hostile/ca.crt --ca-key "$(huri hca)" \
  --profile client --cn hostile-client --key out/hostile/c.key --out out/hostile/c.crt
run "hostile PIN, %-encoded" "$KPKI" key public "pkcs11:token=hostile;object=hca?pin-value=$ENCODED"
run_failing "hostile PIN: missing key" "$KPKI" key public "$(huri absent)"
run_failing "hostile PIN then '#'" "$KPKI" key public "$(huri hca)#x y"
run_failing "hostile PIN twice" "$KPKI" key public "$(huri hca)&pin-value=$HOSTILE"
run_failing "hostile PIN, unknown option after it" "$KPKI" key public "$(huri hca)" --no-such "$(huri hca)"
serial=$(openssl x509 -in out/hostile/c.crt -noout -serial | cut -d= -f2)
run "ledger show" sh -c '"$1" ledger show "$2" --ledger out/hostile/ledger.db -o json >out/hostile/record.json' \
  _ "$KPKI" "$serial"
python3 - out/hostile/record.json <<'PY' && pass || fail "ledger record of the hostile PIN: $(cat out/hostile/record.json)"
import json, sys
r = json.load(open(sys.argv[1]))
r = r[0] if isinstance(r, list) else r
assert r["caKeyUri"] == "pkcs11:token=hostile;object=hca?pin-value=***", r["caKeyUri"]
# the whole argument is masked, and the arguments after it are kept
assert "--ca-key pkcs11:token=hostile;object=hca?pin-value=*** --profile client" in r["command"], r["command"]
PY
for f in stdout.txt stderr.txt; do
  if grep -qF -- "$TAIL" "$f" || grep -qF -- "$ENCODED" "$f"; then
    fail "hostile PIN in $f: $(grep -m3 -F -e "$TAIL" -e "$ENCODED" "$f")"
  else pass; fi
done
leaks=$(grep -rlF -e "$TAIL" -e "$ENCODED" out || true)
[ -z "$leaks" ] && pass || fail "hostile PIN in files kpki wrote: $leaks"

# (key generate's result, on stdout since issue 23)
cat stdout.txt stderr.txt | grep -q "generated ecdsa-p256 key pkcs11:token=redact;object=ca?pin-value=\*\*\*" \
  && pass || fail "key generate does not show the masked URI: $(head -3 stderr.txt)"
for f in stdout.txt stderr.txt; do
  if grep -q -- "$PIN" "$f"; then fail "PIN in $f: $(grep -m3 -- "$PIN" "$f")"; else pass; fi
done
leaks=$(grep -rl -- "$PIN" out || true)
[ -z "$leaks" ] && pass || fail "PIN in files kpki wrote: $leaks"
finish
