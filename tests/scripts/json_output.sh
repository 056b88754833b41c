#!/usr/bin/env bash
# One machine-output convention (issue 23, docs/json.md): every verb that writes, reads or checks
# prints, with -o json (and -o yaml), one document with apiVersion output.kpki.io/v1alpha1, its
# kind and camelCase keys, on stdout and nothing else there; each validates against the schema of
# its kind (docs/json/*.schema.json, docs/plan.schema.json). In text mode the result line (path,
# serial) is on stdout and messages on stderr. The plan names every file init writes, keys included.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
CHECK="python3 $KPKI_SOURCE_DIR/tests/scripts/lib/json_schema_check.py $KPKI_SOURCE_DIR/docs/json $KPKI_SOURCE_DIR/docs/plan.schema.json"
HAVE_YAML=0; python3 -c 'import yaml' 2>/dev/null && HAVE_YAML=1
cd "$WORK" && mkdir d
DOCS=()
# doc NAME CMD...: CMD -o json into d/NAME.json (exit 0, stderr apart), and the same document's
# YAML (-o yaml) when READ_ONLY=1 (a verb that writes nothing can run twice).
doc() {
  local name=$1; shift
  if "$@" -o json >"d/$name.json" 2>"d/$name.err"; then pass; else fail "$name -o json: $(cat "d/$name.err")"; fi
  DOCS+=("d/$name.json")
  if [ "${READ_ONLY:-0}" = 1 ] && [ "$HAVE_YAML" = 1 ]; then
    "$@" -o yaml >"d/$name.yaml" 2>/dev/null || fail "$name -o yaml"
    DOCS+=("d/$name.yaml")
    python3 - "d/$name.json" "d/$name.yaml" <<'PY' && pass || fail "$name: -o yaml is not the -o json document"
import json, sys, yaml
a, b = json.load(open(sys.argv[1])), yaml.safe_load(open(sys.argv[2]))
# Times of day may differ between the two runs (check-expiration's residual time): compare keys.
def shape(v):
    if isinstance(v, dict): return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list): return [shape(x) for x in v]
    return type(v).__name__
sys.exit(0 if shape(a) == shape(b) and a["kind"] == b["kind"] else 1)
PY
  fi
}
field() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); [v := v[int(k) if k.isdigit() else k] for k in sys.argv[2].split(".")]; print(v)' "$@"; }

# --- writing verbs -------------------------------------------------------------------------------
doc ca-create "$KPKI" ca create --key ca.key --cn test-ca --out ca.crt
doc issue "$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile server --cn api --dns api.local --key leaf.key --out leaf.crt
doc csr "$KPKI" csr --key node.key --cn node-1 --org team --dns node-1.local --out node.csr
doc sign "$KPKI" sign --ca-cert ca.crt --ca-key ca.key --csr node.csr --profile client --out node.crt
doc key-generate "$KPKI" key generate k2.key --algorithm ed25519
READ_ONLY=1 doc key-public "$KPKI" key public k2.key
doc kubeconfig-user "$KPKI" kubeconfig user --client-name jane --org dev --ca-cert ca.crt --ca-key ca.key --server https://k8s.example.com:6443 --out jane.conf
SERIAL=$(field d/issue.json serial)
doc revoke "$KPKI" revoke "$SERIAL" --reason keyCompromise --ca-cert ca.crt
doc crl "$KPKI" crl --ca-cert ca.crt --ca-key ca.key --out crl.pem
"$KPKI" key public k2.key --out k2.pub >/dev/null
# --- reading and checking verbs ------------------------------------------------------------------
READ_ONLY=1 doc verify "$KPKI" verify --ca ca.crt node.crt --purpose client
READ_ONLY=1 doc ledger-list "$KPKI" ledger list --ca-cert ca.crt
READ_ONLY=1 doc ledger-show "$KPKI" ledger show "$SERIAL" --ca-cert ca.crt
doc ledger-reconcile "$KPKI" ledger reconcile --ca-cert ca.crt
mkdir lost && cp ca.crt leaf.crt node.crt lost/
READ_ONLY=1 doc ledger-rebuild-dry-run "$KPKI" ledger rebuild --dir lost --crl crl.pem --dry-run
doc ledger-rebuild "$KPKI" ledger rebuild --dir lost --crl crl.pem
for f in leaf.crt node.csr crl.pem k2.pub ca.key jane.conf ledger.db; do
  READ_ONLY=1 doc "inspect-${f//./-}" "$KPKI" inspect "$f"
done

# --- plans (init, renew, rotate), check-expiration, bench -----------------------------------------
cat >c.yaml <<'YAML'
apiVersion: kpki/v1alpha1
kind: ClusterPKI
encryptionAlgorithm: ECDSA-P256
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane}
  - {name: w1, address: 10.0.0.21, role: worker}
YAML
READ_ONLY=1 doc init-dry-run "$KPKI" init --config c.yaml --dir out --dry-run
doc init "$KPKI" init --config c.yaml --dir out
READ_ONLY=1 doc check-expiration "$KPKI" certs check-expiration --dir out/nodes/cp1
READ_ONLY=1 doc renew-dry-run "$KPKI" certs renew all --dir out/nodes/cp1 --config c.yaml --dry-run
READ_ONLY=1 doc rotate-dry-run "$KPKI" ca rotate front-proxy-ca --dir out --config c.yaml --phase begin --dry-run
doc bench "$KPKI" bench --algorithms ecdsa-p256 --backends openssl --duration 0.02s --threads 1
doc bench-cluster "$KPKI" bench --cluster 0 --rounds 1 --no-cfssl
if softhsm_available; then
  make_token json-out
  "$KPKI" key generate "pkcs11:token=json-out;object=k?pin-source=file:$WORK/hsm/user-pin" >/dev/null 2>&1
  READ_ONLY=1 doc hsm-tokens "$KPKI" hsm tokens
  READ_ONLY=1 doc hsm-keys "$KPKI" hsm keys "pkcs11:token=json-out?pin-source=file:$WORK/hsm/user-pin"
fi

# --- every document against its schema -------------------------------------------------------------
if out=$($CHECK "${DOCS[@]}" 2>&1); then pass; else fail "schemas: $out"; fi
# Each kind once at least (a verb that printed another kind than documented fails here).
kinds=$(for f in d/*.json; do field "$f" kind; done | sort -u | tr '\n' ' ')
expected="BenchReport Certificate CertificateExpirationInfo CertificateRequest CertificateRevocationList ClusterBenchReport GeneratedKey IssuanceRecord IssuanceRecordList IssuedCertificate Kubeconfig LedgerRebuild Plan PrivateKey PublicKey PublicKeyOfKey PublishedCrl ReconcileResult Revocation UserKubeconfig VerificationResult WrittenCertificateRequest"
[ -e d/hsm-keys.json ] && expected="$expected TokenKeyList TokenList"
expected=$(tr ' ' '\n' <<<"$expected" | sort | tr '\n' ' ')
expect_ok "every kind seen ($kinds)" test "$kinds" = "$expected"
# Each kind has its schema and is in docs/json.md.
for k in $expected; do
  [ "$k" = Plan ] || expect_ok "docs/json/$k.schema.json" test -f "$KPKI_SOURCE_DIR/docs/json/$k.schema.json"
  expect_ok "docs/json.md names $k" grep -q "\`$k\`" "$KPKI_SOURCE_DIR/docs/json.md"
done
# The check fails a document with a snake_case key or another apiVersion.
python3 -c 'import json; d=json.load(open("d/issue.json")); d["not_after"]=1; json.dump(d, open("d/bad-key.json","w"))'
expect_ok "a snake_case key fails" sh -c "! $CHECK d/bad-key.json >bad.txt && grep -q \"'not_after' is not camelCase\" bad.txt"
# The documents say what happened.
expect_ok "issue: serial of the file" test "$SERIAL" = "$(openssl x509 -in leaf.crt -noout -serial | cut -d= -f2)"
expect_ok "issue: the key was generated" test "$(field d/issue.json key.generated)" = True
expect_ok "sign: no key" test "$(field d/sign.json key)" = None
expect_ok "crl: one revoked" test "$(field d/crl.json revoked)" = 1
expect_ok "ledger rebuild: the dry run stores nothing, the run 3 records" test \
  "$(field d/ledger-rebuild-dry-run.json result) $(field d/ledger-rebuild.json result.recorded)" = "None 3"
expect_ok "inspect crl: the revoked serial" test "$(field d/inspect-crl-pem.json revoked.0.serial)" = "$SERIAL"
expect_ok "inspect kubeconfig: server and key" test "$(field d/inspect-jane-conf.json server) $(field d/inspect-jane-conf.json clientKey.matchesCertificate)" = "https://k8s.example.com:6443 True"
expect_ok "nothing private in inspect" sh -c "! grep -l 'PRIVATE KEY' d/inspect-*"

# --- text mode: the result on stdout, messages on stderr ---------------------------------------------
"$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile client --cn c2 --key c2.key --out c2.crt >out.txt 2>err.txt
S2=$(openssl x509 -in c2.crt -noout -serial | cut -d= -f2)
expect_ok "issue: result on stdout" grep -q "^wrote c2.crt (client, CN=c2, serial $S2)$" out.txt
expect_ok "issue: the key message on stderr" grep -q "^generated ecdsa-p256 key c2.key (a new key file)$" err.txt
expect_ok "issue: stdout holds the result only" test "$(wc -l <out.txt)" = 1
"$KPKI" revoke "$S2" --ca-cert ca.crt >out.txt 2>err.txt
expect_ok "revoke: result on stdout" grep -q "^revoked $S2 " out.txt
expect_ok "revoke: stderr empty" test ! -s err.txt
expect_error "kubeconfig user -o json needs --out" "needs --out" "$KPKI" kubeconfig user --client-name x --ca-cert ca.crt --ca-key ca.key --server https://h:6443 -o json

# --- verify: a failure is a document too, exit 1 ---------------------------------------------------
rc=0; "$KPKI" verify --ca ca.crt node.crt --purpose server -o json >d/verify-bad.json 2>/dev/null || rc=$?
expect_ok "verify failure: exit 1" test "$rc" = 1
expect_ok "verify failure: verified false" test "$(field d/verify-bad.json verified)" = False

# --- the plan names every file init writes -------------------------------------------------------------
python3 - d/init-dry-run.json out <<'PY' && pass || fail "the plan does not name every file init wrote"
import json, os, sys
plan, out = json.load(open(sys.argv[1])), sys.argv[2]
named = {f["path"] for f in plan["files"]} | {f["key"]["path"] for f in plan["files"] if f["key"]}
named |= {k["uri"] for k in plan["caKeys"]}
written = {os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs}
ledger = {os.path.join(out, f) for f in ("ledger.db", "ledger-state.json", "ledger.db-wal", "ledger.db-shm",
                                         "kpki-tree.json")}  # the tree's records, not its files
missing = sorted(written - named - ledger)
assert not missing and not (named - written), (missing, sorted(named - written))
PY
finish
