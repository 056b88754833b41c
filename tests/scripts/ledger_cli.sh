#!/usr/bin/env bash
# The issuance ledger through the kpki binary: every issuing verb (ca create, issue, sign,
# kubeconfig user to a file and to stdout, init, certs renew) records what it signed, released,
# in its default ledger or the one --ledger / KPKI_LEDGER names; ledger list (filters, text,
# JSON, CSV), show and revoke work on them; bad input is refused on one line with the right exit
# code; a record that cannot be stored means no certificate file.
source "$(dirname "$0")/lib/common.sh"
cd "$WORK"
unset KPKI_LEDGER

serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
# json_count LEDGER [ARGS...]: number of records `ledger list -o json` prints.
json_count() {
  local l=$1; shift
  "$KPKI" ledger list --ledger "$l" -o json "$@" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))'
}
# field LEDGER SERIAL KEY: one field of `ledger show -o json`.
field() {
  "$KPKI" ledger show "$2" --ledger "$1" -o json |
    python3 -c "import json,sys; v=json.load(sys.stdin)['$3']; print(v if isinstance(v,str) else json.dumps(v))"
}
check() {  # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then pass; else fail "$1: expected '$2', got '$3'"; fi
}

# ca create: default ledger beside the CA certificate.
mkdir ca
"$KPKI" ca create --key ca/ca.key --cn test-ca --out ca/ca.crt 2>/dev/null
L=ca/ledger.db
check "ca create recorded" 1 "$(json_count $L)"
check "ca record released" released "$(field $L "$(serial_of ca/ca.crt)" state)"
check "ca profile" ca "$(field $L "$(serial_of ca/ca.crt)" profile)"

# issue: recorded with subject, SANs, destination, key URI and backend.
"$KPKI" issue --ca-cert ca/ca.crt --ca-key ca/ca.key --profile server --cn api --dns api.example \
  --ip 10.96.0.1 --key api.key --out api.crt 2>/dev/null
S=$(serial_of api.crt)
check "issue recorded" 2 "$(json_count $L)"
check "issue state" released "$(field $L "$S" state)"
check "issue SANs" '["DNS:api.example", "IP:10.96.0.1"]' "$(field $L "$S" sans)"
check "issue destination" "[\"$WORK/api.crt\"]" "$(field $L "$S" destinations)"
check "issue key URI" ca/ca.key "$(field $L "$S" caKeyUri)"
check "issue backend" file "$(field $L "$S" backend)"
check "issue sha256" "$(openssl x509 -in api.crt -outform DER | sha256sum | cut -d' ' -f1)" \
  "$(field $L "$S" sha256)"
"$KPKI" ledger show "$S" --ledger $L -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["pem"], end="")' >shown.pem
if cmp -s shown.pem api.crt; then pass; else fail "ledger show's PEM differs from api.crt"; fi
# Serial typed lower-case with colons finds it too.
lower=$(echo "$S" | tr 'A-F' 'a-f' | sed 's/../&:/g; s/:$//')
expect_ok "show accepts aa:bb serials" "$KPKI" ledger show "$lower" --ledger $L

# sign: a CSR made by openssl.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout node.key \
  -subj "/CN=node-1/O=team, with comma" -out node.csr 2>/dev/null
"$KPKI" sign --ca-cert ca/ca.crt --ca-key ca/ca.key --csr node.csr --profile client --out node.crt 2>/dev/null
check "sign recorded" released "$(field $L "$(serial_of node.crt)" state)"

# kubeconfig user, to a file and to stdout ("-").
"$KPKI" kubeconfig user --client-name alice --ca-cert ca/ca.crt --ca-key ca/ca.key \
  --server https://10.0.0.1:6443 --out alice.conf 2>/dev/null
"$KPKI" kubeconfig user --client-name bob --ca-cert ca/ca.crt --ca-key ca/ca.key \
  --server https://10.0.0.1:6443 >bob.conf 2>/dev/null
check "kubeconfig users recorded" 5 "$(json_count $L)"
check "kubeconfig to stdout: destination" '["-"]' \
  "$("$KPKI" ledger list --ledger $L --subject bob -o json | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["items"][0]["destinations"]))')"

# KPKI_LEDGER, and --ledger over it.
KPKI_LEDGER=$WORK/env.db "$KPKI" issue --ca-cert ca/ca.crt --ca-key ca/ca.key --profile client \
  --cn env --key env.key --out env.crt 2>/dev/null
check "KPKI_LEDGER used" 1 "$(json_count env.db)"
KPKI_LEDGER=$WORK/env.db "$KPKI" issue --ca-cert ca/ca.crt --ca-key ca/ca.key --profile client \
  --cn flag --key flag.key --out flag.crt --ledger flag.db 2>/dev/null
check "--ledger over KPKI_LEDGER" "1 1" "$(json_count env.db) $(json_count flag.db)"

# init: OUT/ledger.db holds one released record per certificate written; renew adds its own.
cat >cluster.yaml <<'YAML'
apiVersion: kpki/v1alpha1
kind: ClusterPKI
encryptionAlgorithm: ECDSA-P256
nodes:
  - {name: cp1, address: 127.0.0.1}
  - {name: w1, address: 10.0.0.21, role: worker}
YAML
"$KPKI" init --config cluster.yaml --dir out >/dev/null 2>&1
certs=$(find out/pki out/nodes -name '*.crt' ! -name 'ca.crt' ! -name 'front-proxy-ca.crt' | wc -l)
confs=$(find out/nodes -name '*.conf' | wc -l)
check "init records every certificate" $((certs + confs + 3)) "$(json_count out/ledger.db)"
check "init: none incomplete" 0 \
  "$("$KPKI" ledger list --ledger out/ledger.db -o json | python3 -c 'import json,sys; print(sum(r["state"]!="released" for r in json.load(sys.stdin)["items"]))')"
check "init --ca etcd-ca" 5 "$(json_count out/ledger.db --ca etcd-ca)"
before=$(json_count out/ledger.db)
"$KPKI" certs renew apiserver --dir out/nodes/cp1 --config cluster.yaml >/dev/null 2>&1
check "renew recorded in OUT/ledger.db" $((before + 1)) "$(json_count out/ledger.db)"
check "renewed certificate released" released "$(field out/ledger.db "$(serial_of out/nodes/cp1/pki/apiserver.crt)" state)"
"$KPKI" init --config cluster.yaml --dir out >/dev/null 2>&1
check "idempotent init records nothing new" $((before + 1)) "$(json_count out/ledger.db)"

# list filters.
"$KPKI" issue --ca-cert ca/ca.crt --ca-key ca/ca.key --profile client --cn short --key short.key \
  --out short.crt --validity 10d 2>/dev/null
check "--expiring 30d" 1 "$(json_count $L --expiring 30d)"
check "--subject" 1 "$(json_count $L --subject node-1)"
check "--ca by CN" 6 "$(json_count $L --ca test-ca)"
check "--ca other" 0 "$(json_count $L --ca etcd-ca)"
text=$("$KPKI" ledger list --ledger $L)
# A header and aligned columns (issue 23): every row's SUBJECT starts where the header's does.
if grep -qE "^SERIAL +STATE +REVOKED +NOT AFTER +PROFILE +SUBJECT +ISSUER$" <<<"$text" &&
  grep -qE "^$S +released +- +[0-9-]+T[0-9:]+Z +server +CN=api +CN=test-ca$" <<<"$text" &&
  [ "$(awk 'NR>1 && NF>5 {print index($0, "CN=")}' <<<"$text" | sort -u | wc -l)" = 1 ] &&
  grep -q "^6 certificate(s)$" <<<"$text"; then pass; else fail "text list: $text"; fi

# CSV: a header and one row per record, a subject with a comma quoted (read back by Python's csv).
"$KPKI" ledger list --ledger $L -o csv >list.csv
python3 - "$(serial_of node.crt)" <<'PY' && pass || fail "CSV does not read back"
import csv, sys
rows = list(csv.DictReader(open("list.csv", newline="")))
assert len(rows) == 6, len(rows)
node = [r for r in rows if r["serial"] == sys.argv[1]][0]
# RFC 4514: the comma inside the O value is escaped, so the subject reads as one CN and one O.
assert node["subject"] == "CN=node-1, O=team\\, with comma", node["subject"]
assert node["state"] == "released" and node["profile"] == "client"
PY

# revoke.
expect_ok "revoke" "$KPKI" revoke "$S" --reason keyCompromise --ledger $L
check "revocation shown" '{"reason": "keyCompromise", "time": "'"$(field $L "$S" revocation | python3 -c 'import json,sys; print(json.load(sys.stdin)["time"])')"'"}' \
  "$(field $L "$S" revocation)"
KPKI_LEDGER=$L expect_ok "revoke through KPKI_LEDGER" "$KPKI" revoke "$(serial_of node.crt)" --reason superseded
rc=0; "$KPKI" revoke "$S" --reason superseded --ledger $L 2>err.txt || rc=$?
check "revoking twice: exit 5" 5 "$rc"
expect_error "revoking twice" "serial $S is already revoked" "$KPKI" revoke "$S" --ledger $L
rc=0; "$KPKI" revoke 0BADBAD0 --ledger $L 2>/dev/null || rc=$?
check "unknown serial: exit 4" 4 "$rc"
expect_error "unknown serial" "no certificate with serial 0BADBAD0" "$KPKI" revoke 0badbad0 --ledger $L
expect_error "unknown reason" "--reason 'stolen': expected one of unspecified, keyCompromise" \
  "$KPKI" revoke "$S" --reason stolen --ledger $L
expect_error "serial not hex" "serial 'xyz': expected hexadecimal" "$KPKI" ledger show xyz --ledger $L
expect_error "show unknown" "no certificate with serial 0BADBAD0" "$KPKI" ledger show 0BADBAD0 --ledger $L
expect_error "no ledger named" "no ledger: give --ledger, set KPKI_LEDGER or name the CA with --ca-cert" "$KPKI" ledger list
expect_error "bad --expiring" "--expiring" "$KPKI" ledger list --ledger $L --expiring soon
expect_error "bad -o" "output" "$KPKI" ledger list --ledger $L -o xml
expect_error "ledger is a directory" "ledger" "$KPKI" ledger list --ledger ca/
# A record that cannot be stored: no certificate is written.
mkdir notafile.db
rc=0
"$KPKI" issue --ca-cert ca/ca.crt --ca-key ca/ca.key --profile client --cn x --key x.key \
  --out x.crt --ledger notafile.db 2>err.txt || rc=$?
if [ "$rc" -ne 0 ] && [ "$(grep -c '' err.txt)" -eq 1 ] && [ ! -e x.crt ] && [ ! -e x.key ]; then pass; else
  fail "unusable ledger: exit $rc, x.crt $([ -e x.crt ] && echo written), $(cat err.txt)"; fi
# The ledger file is the owner's alone.
check "ledger mode" 600 "$(stat -c %a $L)"
finish
