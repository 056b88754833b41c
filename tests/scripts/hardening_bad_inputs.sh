#!/usr/bin/env bash
# The hostile-input corpus (tests/data/bad, see its MANIFEST and generate.py): every input, through
# every verb its MANIFEST line names, must give a non-zero exit below 128 (no signal, no sanitizer
# abort), nothing on stdout, exactly one line on stderr, and leave nothing behind (not even a temp
# file). Every input is also fed to `kpki inspect`, which may accept it but must not crash.
source "$(dirname "$0")/lib/common.sh"
BAD=$KPKI_SOURCE_DIR/tests/data/bad
# A copy: the CA's ledger sits beside its certificate, and a kpki opening it would migrate (and
# so change) the committed file.
cp -r "$BAD/fixtures" "$WORK/fixtures"
FIX=$WORK/fixtures
RUN=$WORK/run
mkdir -p "$RUN"
# Fixture keys are committed world-readable; copy them so their mode is what a CA key's would be.
cp "$FIX/ca.key" "$WORK/ca.key" && chmod 600 "$WORK/ca.key"
CA_KEY=$WORK/ca.key
CA_CRT=$FIX/ca.crt
RUNS=0
INPUTS=0
SKIPPED=0
HAVE_INIT=0
# `kpki init` arrives with the Kubernetes work; until then the config inputs are counted as skipped.
"$KPKI" --help | grep -qE '^  init ' && HAVE_INIT=1

# run_bad WHAT CMD...: the command (run in the empty $RUN) must fail cleanly.
run_bad() {
  local what=$1; shift
  local rc=0
  RUNS=$((RUNS + 1))
  (cd "$RUN" && "$@") >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
  local lines left
  lines=$(grep -c '' "$WORK/stderr" || true)
  left=$(ls -A "$RUN")
  if [ "$rc" -eq 0 ]; then
    fail "$what: accepted (exit 0): $(head -c 300 "$WORK/stderr")"
  elif [ "$rc" -ge 128 ]; then
    fail "$what: crashed (exit $rc): $(head -c 2000 "$WORK/stderr")"
  elif grep -qE 'Sanitizer|runtime error:|LeakSanitizer' "$WORK/stderr"; then
    fail "$what: sanitizer report: $(head -c 2000 "$WORK/stderr")"
  elif [ -s "$WORK/stdout" ]; then
    fail "$what: wrote to stdout: $(head -c 300 "$WORK/stdout")"
  elif [ "$lines" -ne 1 ]; then
    fail "$what: $lines lines of error output: $(head -c 600 "$WORK/stderr")"
  elif [ -n "$left" ]; then
    fail "$what: left files behind: $left"
  else
    pass
  fi
  rm -rf "${RUN:?}"/* "$RUN"/.[!.]* 2>/dev/null || true
}

# run_any WHAT CMD...: may succeed or fail, but must not crash or trip a sanitizer.
run_any() {
  local what=$1; shift
  local rc=0
  RUNS=$((RUNS + 1))
  (cd "$RUN" && "$@") >/dev/null 2>"$WORK/stderr" || rc=$?
  if [ "$rc" -ge 128 ] || grep -qE 'Sanitizer|runtime error:' "$WORK/stderr"; then
    fail "$what: crashed (exit $rc): $(head -c 2000 "$WORK/stderr")"
  elif [ "$rc" -ne 0 ] && [ "$(grep -c '' "$WORK/stderr")" -ne 1 ]; then
    fail "$what: error is not one line: $(head -c 600 "$WORK/stderr")"
  else
    pass
  fi
  rm -rf "${RUN:?}"/* "$RUN"/.[!.]* 2>/dev/null || true
}

issue_with() {  # issue_with EXTRA...: a server certificate from the corpus CA unless overridden
  "$KPKI" issue --ca-cert "$CA_CRT" --ca-key "$CA_KEY" --profile server --cn leaf \
    --key o.key --out o.crt "$@"
}

check() {
  local check=$1 f=$2 name=$3
  case $check in
    inspect) run_bad "$name [inspect]" "$KPKI" inspect "$f" ;;
    ca-cert)
      run_bad "$name [issue --ca-cert]" "$KPKI" issue --ca-cert "$f" --ca-key "$CA_KEY" \
        --profile server --cn leaf --key o.key --out o.crt
      run_bad "$name [sign --ca-cert]" "$KPKI" sign --ca-cert "$f" --ca-key "$CA_KEY" \
        --csr "$FIX/leaf.csr" --profile client --out o.crt ;;
    verify) run_bad "$name [verify]" "$KPKI" verify --ca "$CA_CRT" "$f" ;;
    trust) run_bad "$name [trust]" "$KPKI" verify --ca "$f" "$FIX/leaf.crt" ;;
    sign) run_bad "$name [sign]" "$KPKI" sign --ca-cert "$CA_CRT" --ca-key "$CA_KEY" --csr "$f" \
            --profile client --out o.crt ;;
    key-public) run_bad "$name [key-public]" "$KPKI" key public "$f" ;;
    ca-key) run_bad "$name [ca-key]" "$KPKI" issue --ca-cert "$CA_CRT" --ca-key "$f" \
              --profile server --cn leaf --key o.key --out o.crt ;;
    ca-create) run_bad "$name [ca-create]" "$KPKI" ca create --key "$f" --cn x --out o.crt ;;
    leaf-key) run_bad "$name [leaf-key]" "$KPKI" issue --ca-cert "$CA_CRT" --ca-key "$CA_KEY" \
                --profile server --cn leaf --key "$f" --out o.crt ;;
    validity)
      local v; v=$(cat "$f")
      run_bad "$name [issue --validity]" issue_with "--validity=$v"
      run_bad "$name [ca create --validity]" "$KPKI" ca create --key o.key --cn x --out o.crt \
        "--validity=$v" ;;
    key-uri)
      local u; u=$(cat "$f")
      run_bad "$name [key public]" "$KPKI" key public "$u"
      run_bad "$name [key generate]" "$KPKI" key generate "$u" --algorithm ecdsa-p256 ;;
    config)
      if [ "$HAVE_INIT" -eq 1 ]; then
        run_bad "$name [init]" "$KPKI" init --config "$f" --dir out
      else
        SKIPPED=$((SKIPPED + 1))
      fi ;;
    *) fail "$name: unknown check '$check' in MANIFEST" ;;
  esac
}

while read -r name checks; do
  case $name in '#'* | '') continue ;; esac
  f=$BAD/$name
  [ -f "$f" ] || { fail "$name: listed in MANIFEST but missing"; continue; }
  INPUTS=$((INPUTS + 1))
  for c in $checks; do check "$c" "$f" "$name"; done
  run_any "$name [inspect, any outcome]" "$KPKI" inspect "$f"
done <"$BAD/MANIFEST"

# Every corpus file is listed, so nothing in the corpus goes untried.
while read -r f; do
  grep -q "^${f#"$BAD/"} " "$BAD/MANIFEST" && pass || fail "${f#"$BAD/"} is not in MANIFEST"
done < <(find "$BAD" -type f ! -path "$BAD/fixtures/*" ! -path "$BAD/gen/*" \
  ! -name MANIFEST ! -name generate.py ! -name README.md)

# A file larger than any PKI input: refused by size, not read into memory whole.
truncate -s 100M "$WORK/huge.pem"
run_bad "100 MB sparse file [inspect]" "$KPKI" inspect "$WORK/huge.pem"
run_bad "100 MB sparse file [sign]" "$KPKI" sign --ca-cert "$CA_CRT" --ca-key "$CA_KEY" \
  --csr "$WORK/huge.pem" --profile client --out o.crt
run_bad "directory as CSR [sign]" "$KPKI" sign --ca-cert "$CA_CRT" --ca-key "$CA_KEY" \
  --csr "$WORK" --profile client --out o.crt
INPUTS=$((INPUTS + 2))

echo "bad inputs tried: $INPUTS files, $RUNS kpki runs; config inputs skipped (no 'kpki init'): $SKIPPED"
finish
