#!/usr/bin/env bash
# One plan shape for every Kubernetes workflow (docs/plan.md, docs/plan.schema.json): the
# `--dry-run -o json` of kpki init (empty directory and complete tree), certs renew, ca rotate
# (begin, and a file CA's finish naming its key copies) and ca import (one key, and a whole tree
# onto a SoftHSM token with --remove-source) on real trees, and a real init's report, all
# validate against the one schema file, which docs/plan.md shows verbatim; each summary counts
# its files. A document with a field missing or added fails the same check.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
require_softhsm python3
CHECK="python3 $KPKI_SOURCE_DIR/tests/scripts/lib/plan_schema_check.py $KPKI_SOURCE_DIR/docs/plan.schema.json $KPKI_SOURCE_DIR/docs/plan.md"
J="$WORK/json" && mkdir -p "$J"
C="$WORK/cluster.yaml" && cp "$KPKI_SOURCE_DIR/tests/data/cluster_3cp_1w.yaml" "$C"
T="$WORK/tree"
operation() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["operation"])' "$1"; }

# --- init, renew, rotate -----------------------------------------------------------------------
expect_ok "init --dry-run -o json (empty)" sh -c "'$KPKI' init --config '$C' --dir '$T' --dry-run -o json >'$J/init-empty.json'"
expect_ok "init -o json (a run's report)" sh -c "'$KPKI' init --config '$C' --dir '$T' -o json >'$J/init-run.json'"
expect_ok "init --dry-run -o json (complete tree)" sh -c "'$KPKI' init --config '$C' --dir '$T' --dry-run -o json >'$J/init-full.json'"
expect_ok "certs renew all --dry-run -o json" sh -c "'$KPKI' certs renew all --dir '$T/nodes/cp1' --config '$C' --dry-run -o json >'$J/renew.json'"
expect_ok "ca rotate begin --dry-run -o json" sh -c "'$KPKI' ca rotate etcd-ca --dir '$T' --config '$C' --phase begin --dry-run -o json >'$J/rotate-begin.json'"

# --- ca import ---------------------------------------------------------------------------------
make_token plan-json
S="$WORK/single" && mkdir -p "$S"
"$KPKI" ca create --key "$S/ca.key" --cn kubernetes --out "$S/ca.crt" 2>/dev/null
expect_ok "ca import (one key) --dry-run -o json" sh -c "'$KPKI' ca import --key '$S/ca.key' --cert '$S/ca.crt' --to 'pkcs11:token=plan-json;object=single?pin-source=file:$PIN' --remove-source --dry-run -o json >'$J/import-single.json'"
expect_ok "ca import (tree) --dry-run -o json" sh -c "'$KPKI' ca import --dir '$T' --config '$C' --token-uri 'pkcs11:token=plan-json?pin-source=file:$PIN' --out-config '$WORK/hsm.yaml' --remove-source --dry-run -o json >'$J/import-tree.json'"
expect_ok "the dry runs imported nothing" sh -c "! '$KPKI' hsm keys 'pkcs11:token=plan-json?pin-source=file:$PIN' | grep -qE 'single|kubernetes-ca'"
expect_ok "the dry runs left the key files" test -f "$S/ca.key" -a -f "$T/pki/ca.key" -a ! -e "$WORK/hsm.yaml"

# --- ca rotate finish (after the imports planned on the same tree) --------------------------
# front-proxy-ca (one leaf per control-plane node) through begin and reissue; finish names the key
# files it replaces.
for phase in begin reissue; do
  expect_ok "ca rotate front-proxy-ca $phase" "$KPKI" ca rotate front-proxy-ca --dir "$T" --config "$C" --phase $phase
done
expect_ok "ca rotate finish --dry-run -o json" sh -c "'$KPKI' ca rotate front-proxy-ca --dir '$T' --config '$C' --phase finish --dry-run -o json >'$J/rotate-finish.json'"

# --- one schema --------------------------------------------------------------------------------
for f in init-empty init-run init-full renew rotate-begin rotate-finish import-single import-tree; do
  expect_ok "$f.json validates against docs/plan.schema.json" $CHECK "$J/$f.json"
done
expect_ok "operations" test "$(for f in init-empty renew rotate-begin rotate-finish import-tree; do operation "$J/$f.json"; done | tr '\n' ,)" = \
  "init,renew,ca rotate etcd-ca begin,ca rotate front-proxy-ca finish,ca import,"
# The documents say what they are meant to (not only that they have the shape).
expect_ok "init plans keys to generate, then a run creates" python3 - "$J" <<'PY'
import json, sys
d = sys.argv[1]
load = lambda n: json.load(open("%s/%s.json" % (d, n)))
empty, run, full = load("init-empty"), load("init-run"), load("init-full")
assert empty["dryRun"] and not run["dryRun"], "dryRun"
assert {k["action"] for k in empty["caKeys"]} == {"generate"}, empty["caKeys"]
assert run["summary"]["create"] == empty["summary"]["create"] > 0, "created"
assert full["summary"]["create"] == 0 and full["summary"]["keep"] == empty["summary"]["create"]
renew = load("renew")
assert renew["summary"]["replace"] > 0 and all(f["node"] == "cp1" for f in renew["files"])
single, tree = load("import-single"), load("import-tree")
assert [k["action"] for k in single["caKeys"]] == ["import"] and single["root"] == ""
assert single["caKeys"][0]["source"].endswith("/ca.key"), single["caKeys"]
assert [k["ca"] for k in tree["caKeys"]] == ["ca", "etcd-ca", "front-proxy-ca"], tree["caKeys"]
assert all(k["action"] == "import" and "object=" in k["uri"] for k in tree["caKeys"])
assert tree["summary"]["remove"] == 12 and tree["summary"]["create"] == 1, tree["summary"]
assert any(f["spec"] == "config" for f in tree["files"])
finish = load("rotate-finish")
assert any(f["spec"] == "front-proxy-ca key" for f in finish["files"]), finish["files"]
PY
# The check fails a document one field short, or one field more.
python3 - "$J/init-empty.json" "$J/bad-missing.json" "$J/bad-extra.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
missing = dict(doc); del missing["root"]
json.dump(missing, open(sys.argv[2], "w"))
extra = json.loads(json.dumps(doc)); extra["files"][0]["colour"] = "blue"
json.dump(extra, open(sys.argv[3], "w"))
PY
expect_error "a field missing fails" "missing 'root'" $CHECK "$J/bad-missing.json"
expect_error "a field added fails" "'colour' is not in the schema" $CHECK "$J/bad-extra.json"
finish
