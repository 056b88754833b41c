#!/usr/bin/env bash
# Where kpki looks for its PostgreSQL ledger module: only in the installed library directory and
# the build tree, both compiled in; never relative to the running program. A kpki copied into a
# directory D must not load a D/../lib/kpki/kpki-ledger-postgresql.so planted there (the test
# plants a library whose constructor writes a marker file, and checks it never does).
source "$(dirname "$0")/lib/common.sh"
TEST_LIBS=${KPKI_TEST_LIBS:-$(dirname "$KPKI")/../tests/pkcs11_module}
MARKER_LIB=$(realpath "$TEST_LIBS/libkpki_test_marker.so" 2>/dev/null || true)
[ -f "$MARKER_LIB" ] || { echo "SKIP: test marker library not built (PKCS#11 off)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
cd "$WORK"

mkdir -p copy/bin copy/lib/kpki
cp "$KPKI" copy/bin/kpki
cp "$MARKER_LIB" copy/lib/kpki/kpki-ledger-postgresql.so
export KPKI_TEST_MARKER=$WORK/marker
# Control: the planted file is a library that leaves the marker when loaded. In a sanitizer
# build it links the ASan runtime, which must then be loaded first into the (plain) python.
asan_runtime=$(ldd "$MARKER_LIB" | awk '/libasan/ {print $3}')
expect_ok "control: loading the planted library writes the marker" \
  env ${asan_runtime:+LD_PRELOAD=$asan_runtime ASAN_OPTIONS=detect_leaks=0} python3 -c "import ctypes; ctypes.CDLL('$WORK/copy/lib/kpki/kpki-ledger-postgresql.so')"
expect_ok "control: marker written" test -f "$KPKI_TEST_MARKER"
rm -f "$KPKI_TEST_MARKER"

spec="postgresql:///kpki?host=$WORK/no-server&connect_timeout=2"
out=$(copy/bin/kpki ledger list --ledger "$spec" 2>&1) && fail "ledger list without a server succeeded: $out" || pass
expect_ok "the copied kpki did not load ../lib/kpki beside it" test ! -e "$KPKI_TEST_MARKER"
lines=$(printf '%s\n' "$out" | grep -c . || true)
[ "$lines" -eq 1 ] && pass || fail "expected one line of error, got: $out"
case $out in
  *"$WORK/copy/lib"*) fail "the error names the planted directory: $out" ;;
  *) pass ;;
esac
finish
