#!/usr/bin/env bash
# kpki ca rotate: the three CAs through begin, reissue and finish, with file CA keys and with CA
# keys on a SoftHSM token. After each phase: --dry-run wrote nothing (tree and token unchanged);
# trust files (every node's CA file, every kubeconfig's certificate-authority-data) hold exactly
# old + new, then new only; leaves are untouched by begin, verify under the new CA after reissue
# and not under the old one; out-of-order phases are refused naming the next one; init and certs
# renew are refused mid-rotation and work after finish (init keeps every file); kill -9 at random
# moments in each phase leaves valid files and a re-run completes it.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
CHECK="python3 $KPKI_SOURCE_DIR/tests/scripts/lib/rotation_check.py"

tree_sum() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum); }
leaf_sum() {  # leaf certificates and keys, and kubeconfigs' client credentials (not their trust)
  (cd "$1" && find nodes -type f \( -name '*.key' -o -name '*.crt' ! -name '*ca.crt' \) -print0 |
    sort -z | xargs -0 sha256sum; grep -h 'client-' nodes/*/*.conf) | sha256sum
}
count_certs() { grep -c 'BEGIN CERTIFICATE' "$1"; }
base_of() { case $1 in ca) echo ca ;; etcd-ca) echo etcd/ca ;; front-proxy-ca) echo front-proxy-ca ;; esac; }

write_config() {  # write_config FILE [caKeys block]
  cat >"$1" <<YAML
apiVersion: kpki/v1alpha1
kind: ClusterPKI
controlPlaneEndpoint: 127.0.0.1:6443
encryptionAlgorithm: ECDSA-P256
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane}
  - {name: cp2, address: 127.0.0.2, role: control-plane}
  - {name: w1, address: 10.0.0.21, role: worker}
${2:-}
YAML
}

# rotate_all FLAVOUR OUT CONFIG [token]: each CA through the three phases, checking as it goes.
rotate_all() {
  local flavour=$1 out=$2 cfg=$3 token=${4:-}
  local ca base old new n rot
  for ca in ca etcd-ca front-proxy-ca; do
    base=$(base_of $ca)
    old="$WORK/$flavour-$ca-old.crt"; cp "$out/pki/$base.crt" "$old"
    n=1; [ -f "$out/rotation/$ca.json" ] && n=$(( $(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['rotation'])" "$out/rotation/$ca.json") + 1 ))
    rot="$out/rotation/$ca/$n"
    local r=("$KPKI" ca rotate $ca --dir "$out" --config "$cfg")

    # out of order before anything began
    expect_error "$flavour $ca: reissue before begin" "next phase is begin.*--phase begin" "${r[@]}" --phase reissue
    # begin: dry run writes nothing (files and token)
    local before tok_before
    before=$(tree_sum "$out"); tok_before=$(token_objects)
    expect_ok "$flavour $ca: begin --dry-run" "${r[@]}" --phase begin --dry-run
    expect_ok "$flavour $ca: begin --dry-run -o json" "${r[@]}" --phase begin --dry-run -o json
    [ "$(tree_sum "$out")" = "$before" ] && pass || fail "$flavour $ca: begin --dry-run wrote files"
    [ "$(token_objects)" = "$tok_before" ] && pass || fail "$flavour $ca: begin --dry-run touched the token"
    local leaves_before; leaves_before=$(leaf_sum "$out")
    expect_ok "$flavour $ca: begin" "${r[@]}" --phase begin
    expect_ok "$flavour $ca: new certificate" test -f "$rot/new.crt"
    new="$rot/new.crt"
    expect_ok "$flavour $ca: trust is old + new" $CHECK trust "$out" $ca "$old" "$new"
    [ "$(leaf_sum "$out")" = "$leaves_before" ] && pass || fail "$flavour $ca: begin changed leaves"
    expect_ok "$flavour $ca: begin again keeps everything" "${r[@]}" --phase begin
    expect_ok "$flavour $ca: trust still old + new" $CHECK trust "$out" $ca "$old" "$new"
    expect_ok "$flavour $ca: check-expiration shows both CAs" \
      sh -c "'$KPKI' certs check-expiration --dir '$out/nodes/cp1' | grep -q '^$ca (new) '"
    expect_error "$flavour $ca: finish after begin" "next phase is reissue.*--phase reissue" "${r[@]}" --phase finish
    expect_error "$flavour $ca: init mid-rotation" "init refused.*next phase is reissue" \
      "$KPKI" init --config "$cfg" --dir "$out"
    expect_error "$flavour $ca: renew mid-rotation" "certs renew refused.*next phase is reissue" \
      "$KPKI" certs renew all --dir "$out/nodes/cp1" --config "$cfg"

    # reissue
    before=$(tree_sum "$out")
    expect_ok "$flavour $ca: reissue --dry-run" "${r[@]}" --phase reissue --dry-run
    [ "$(tree_sum "$out")" = "$before" ] && pass || fail "$flavour $ca: reissue --dry-run wrote files"
    expect_ok "$flavour $ca: reissue" "${r[@]}" --phase reissue
    expect_ok "$flavour $ca: leaves verify under the new CA" $CHECK leaves "$out" $ca "$new"
    expect_ok "$flavour $ca: leaves no longer verify under the old CA" $CHECK leaves "$out" $ca "$old" --not
    expect_ok "$flavour $ca: trust stays old + new" $CHECK trust "$out" $ca "$old" "$new"
    case $ca in ca) leaf=apiserver ;; etcd-ca) leaf=apiserver-etcd-client ;; *) leaf=front-proxy-client ;; esac
    serial=$(openssl x509 -in "$out/nodes/cp1/pki/$leaf.crt" -noout -serial | cut -d= -f2)
    expect_ok "$flavour $ca: the re-signed $leaf is in the ledger, released" \
      bash -c '"$1" ledger show "$2" --ledger "$3" | grep -q released' _ "$KPKI" "$serial" "$out/ledger.db"
    expect_error "$flavour $ca: begin mid-rotation" "next phase is finish" "${r[@]}" --phase begin
    expect_error "$flavour $ca: renew after reissue" "next phase is finish" \
      "$KPKI" certs renew all --dir "$out/nodes/cp2" --config "$cfg"

    # finish
    local fin=(--phase finish)
    [ -n "$token" ] && fin+=(--out-config "$WORK/$flavour-$ca.yaml")
    before=$(tree_sum "$out")
    expect_ok "$flavour $ca: finish --dry-run" "${r[@]}" "${fin[@]}" --dry-run
    [ "$(tree_sum "$out")" = "$before" ] && pass || fail "$flavour $ca: finish --dry-run wrote files"
    expect_ok "$flavour $ca: finish" "${r[@]}" "${fin[@]}"
    expect_ok "$flavour $ca: finish again" "${r[@]}" "${fin[@]}"
    expect_ok "$flavour $ca: trust is the new CA only" $CHECK trust "$out" $ca "$new"
    expect_ok "$flavour $ca: OUT/pki holds the new CA" cmp -s "$out/pki/$base.crt" "$new"
    expect_ok "$flavour $ca: leaves verify under the trust file" $CHECK leaves "$out" $ca "$out/nodes/cp1/pki/$base.crt"
    if [ -n "$token" ]; then
      cfg="$WORK/$flavour-$ca.yaml"
      expect_ok "$flavour $ca: new config names the new label" grep -q "object=[a-z-]*-r$n" "$cfg"
      expect_ok "$flavour $ca: new config is the owner's alone (0600)" test "$(stat -c %a "$cfg")" = 600
    else
      expect_ok "$flavour $ca: old key kept" test -f "$rot/old.key"
      expect_ok "$flavour $ca: node copy of the key is the new key" cmp -s "$out/nodes/cp2/pki/$base.key" "$rot/new.key"
    fi
    # init after finish keeps every file: the new CA and key are the cluster's now
    local json; json=$("$KPKI" init --config "$cfg" --dir "$out" --dry-run -o json 2>&1) || true
    if python3 -c "import json,sys;s=json.loads(sys.argv[1])['summary'];sys.exit(0 if s['create']==s['replace']==s['mismatch']==0 else 1)" "$json" 2>/dev/null; then
      pass; else fail "$flavour $ca: init after finish would change files: $json"; fi
    expect_ok "$flavour $ca: certs renew after finish" "$KPKI" certs renew apiserver-etcd-client --dir "$out/nodes/cp1" --config "$cfg"
  done
  CFG_AFTER=$cfg
}

token_objects() { :; }

# --- file CA keys -------------------------------------------------------------------------
write_config "$WORK/file.yaml"
expect_ok "init (file keys)" "$KPKI" init --config "$WORK/file.yaml" --dir "$WORK/file"
rotate_all file "$WORK/file" "$WORK/file.yaml"
# a second rotation of the same CA, with --destroy-old-key
r2=("$KPKI" ca rotate etcd-ca --dir "$WORK/file" --config "$WORK/file.yaml")
expect_ok "second rotation: begin" "${r2[@]}" --phase begin
expect_ok "second rotation: reissue" "${r2[@]}" --phase reissue
expect_ok "second rotation: finish --destroy-old-key" "${r2[@]}" --phase finish --destroy-old-key
expect_ok "second rotation: no old key kept" test ! -e "$WORK/file/rotation/etcd-ca/2/old.key"
expect_ok "second rotation: leaves verify" $CHECK leaves "$WORK/file" etcd-ca "$WORK/file/rotation/etcd-ca/2/new.crt"
expect_error "unknown phase" "phase" "$KPKI" ca rotate ca --dir "$WORK/file" --config "$WORK/file.yaml" --phase middle

# --- kill -9 at random moments in each phase, then a plain re-run (lib/crash_harness.py) ------
# Every file left is whole and valid (certificates chain, pairs match, kubeconfigs chain to their
# embedded trust) and the re-run completes the phase. KPKI_CRASH_ITERATIONS (default 25 here).
export KPKI
for scenario in rotate-begin rotate-reissue rotate-finish; do
  if KPKI_CRASH_ITERATIONS=${KPKI_CRASH_ITERATIONS:-25} \
      python3 "$KPKI_SOURCE_DIR/tests/scripts/lib/crash_harness.py" $scenario "$WORK"; then
    pass; else fail "crash: $scenario"; fi
done

# --- CA keys on a SoftHSM token -----------------------------------------------------------
if softhsm_available; then
  TOKEN=kpki-rotate
  make_token $TOKEN
  token_objects() { "$KPKI" hsm keys "pkcs11:token=$TOKEN?pin-source=file:$PIN" 2>&1 | sort; }
  write_config "$WORK/token.yaml" "caKeys:
  ca: pkcs11:token=$TOKEN;object=kubernetes-ca?pin-source=file:$PIN
  etcd-ca: pkcs11:token=$TOKEN;object=etcd-ca?pin-source=file:$PIN
  front-proxy-ca: pkcs11:token=$TOKEN;object=front-proxy-ca?pin-source=file:$PIN"
  expect_ok "init (token keys)" "$KPKI" init --config "$WORK/token.yaml" --dir "$WORK/token"
  rotate_all token "$WORK/token" "$WORK/token.yaml" yes
  expect_ok "token: new keys on the token" sh -c "'$KPKI' hsm keys 'pkcs11:token=$TOKEN?pin-source=file:$PIN' | grep -q 'etcd-ca-r1'"
  expect_ok "token: old keys kept" sh -c "'$KPKI' hsm keys 'pkcs11:token=$TOKEN?pin-source=file:$PIN' | grep -qw 'etcd-ca'"
  expect_ok "token: no CA key file in the tree" test -z "$(find "$WORK/token" -name 'ca.key' -o -name 'new.key')"
  expect_error "token: init with the config naming a rotated-out key" "is the key rotated out.*kubernetes-ca-r1" \
    "$KPKI" init --config "$WORK/token.yaml" --dir "$WORK/token"
  expect_error "token: finish without --out-config" "token key.*output config" \
    "$KPKI" ca rotate ca --dir "$WORK/token" --config "$WORK/token.yaml" --phase finish

  # A begin killed while the token makes the new key. The test module forwards to SoftHSM, makes
  # the pair, destroys one half and exits 137, as a kill between the token's two object writes
  # leaves it. The re-run removes that half and makes the key again. A half pair someone else left
  # under the next free label is skipped, never removed.
  FWD=$(test_module forward)
  HTOKEN=kpki-halfpair
  make_token $HTOKEN
  half_uri() { echo "pkcs11:token=$HTOKEN;object=$1?pin-source=file:$PIN"; }
  labelled() {  # labelled LABEL: "private public" classes of the objects with that label, sorted
    "$KPKI" hsm keys "pkcs11:token=$HTOKEN?pin-source=file:$PIN" | awk -v l="$1" '$2 == l { print $1 }' | sort | tr '\n' ' '
  }
  write_config "$WORK/half.yaml" "caKeys:
  ca: $(half_uri kubernetes-ca)
  etcd-ca: $(half_uri etcd-ca)
  front-proxy-ca: $(half_uri front-proxy-ca)"
  expect_ok "half pair: init (token keys)" "$KPKI" init --config "$WORK/half.yaml" --dir "$WORK/half"
  # someone else's half pair under front-proxy-ca-r1
  expect_ok "half pair: a foreign key" "$KPKI" key generate "$(half_uri front-proxy-ca-r1)" --algorithm ecdsa-p256
  KPKI_TEST_PIN=$(cat "$PIN"); export KPKI_TEST_PIN  # pkcs11-tool reads it from env:, not argv
  expect_ok "half pair: its private half removed" pkcs11-tool --module "$MODULE" --token-label $HTOKEN \
    --login --pin "env:KPKI_TEST_PIN" --delete-object --type privkey --label front-proxy-ca-r1
  unset KPKI_TEST_PIN
  for half in public private; do
    ca=etcd-ca; [ $half = private ] && ca=ca
    label=$([ $ca = ca ] && echo kubernetes-ca || echo etcd-ca)-r1
    hr=("$KPKI" ca rotate $ca --dir "$WORK/half" --config "$WORK/half.yaml" --phase)
    rc=0; KPKI_PKCS11_MODULE=$FWD KPKI_TEST_FORWARD_MODULE=$MODULE KPKI_TEST_KEYGEN_DIES=$half \
      "${hr[@]}" begin >/dev/null 2>&1 || rc=$?
    [ $rc -eq 137 ] && pass || fail "half pair: begin with the dying module exited $rc, not 137"
    want=$([ $half = public ] && echo "private " || echo "public ")
    [ "$(labelled $label)" = "$want" ] && pass || fail "half pair: after the kill $label is '$(labelled $label)', not '$want'"
    expect_ok "half pair ($half lost): begin --dry-run" "${hr[@]}" begin --dry-run
    [ "$(labelled $label)" = "$want" ] && pass || fail "half pair: begin --dry-run changed $label"
    expect_ok "half pair ($half lost): begin again" "${hr[@]}" begin
    [ "$(labelled $label)" = "private public " ] && pass || fail "half pair: $label is '$(labelled $label)' after the re-run"
    expect_ok "half pair ($half lost): reissue" "${hr[@]}" reissue
    expect_ok "half pair ($half lost): leaves verify under the new CA" $CHECK leaves "$WORK/half" $ca \
      "$WORK/half/rotation/$ca/1/new.crt"
  done
  r=("$KPKI" ca rotate front-proxy-ca --dir "$WORK/half" --config "$WORK/half.yaml" --phase begin)
  expect_ok "half pair: front-proxy-ca begin beside a foreign half pair" "${r[@]}"
  [ "$(labelled front-proxy-ca-r1)" = "public " ] && pass || fail "half pair: the foreign front-proxy-ca-r1 was touched: '$(labelled front-proxy-ca-r1)'"
  [ "$(labelled front-proxy-ca-r2)" = "private public " ] && pass || fail "half pair: no front-proxy-ca-r2 key"
else
  echo "SKIP part: SoftHSM2 or PKCS#11 support missing"
fi
finish
