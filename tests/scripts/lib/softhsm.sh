# SoftHSM setup shared by kpki's shell tests (sourced after common.sh; no test of its own). Every
# token lives under the test's own directory, behind a private SOFTHSM2_CONF: the system's token
# directory is never touched.
MODULE=/usr/lib/softhsm/libsofthsm2.so
TEST_LIBS=${KPKI_TEST_LIBS:-$(dirname "$KPKI")/../tests/pkcs11_module}

# softhsm_available: softhsm2-util and the SoftHSM module are installed and kpki has PKCS#11.
softhsm_available() {
  command -v softhsm2-util >/dev/null && [ -r "$MODULE" ] && "$KPKI" hsm --help >/dev/null 2>&1
}

# require_softhsm [TOOL...]: skips the test (77) unless softhsm2-util and each TOOL are installed,
# the SoftHSM module is readable and kpki was built with PKCS#11.
require_softhsm() {
  local tool
  for tool in softhsm2-util "$@"; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
  done
  [ -r "$MODULE" ] || { echo "SKIP: SoftHSM2 module not installed"; exit 77; }
  "$KPKI" hsm --help >/dev/null 2>&1 || { echo "SKIP: kpki built without PKCS#11"; exit 77; }
}

# test_module NAME: the path of tests/pkcs11_module's libkpki_test_NAME.so (forward, marker).
# Not built is a failure, not a skip: `VAR=$(test_module forward)` ends the test (set -e).
test_module() {
  local lib
  lib=$(realpath "$TEST_LIBS/libkpki_test_$1.so" 2>/dev/null) && [ -f "$lib" ] ||
    { echo "FAIL: test module $1 not built in $TEST_LIBS" >&2; return 1; }
  echo "$lib"
}

# make_token LABEL [DIR]: a new token with hsm-setup/make-token.sh in DIR ($WORK/hsm), its
# SOFTHSM2_CONF and KPKI_PKCS11_MODULE exported here; PIN names its user-PIN file (mode 0600).
# A make-token.sh that fails ends the test.
make_token() {
  local dir=${2:-$WORK/hsm} exports
  exports=$("$KPKI_SOURCE_DIR/hsm-setup/make-token.sh" --dir "$dir" --label "$1" --kpki "$KPKI" 2>/dev/null)
  eval "$exports"
  PIN=$dir/user-pin
}

# softhsm_conf DIR: a private SoftHSM configuration, tokens in DIR/tokens, exported as
# SOFTHSM2_CONF (for tokens made by init_token).
softhsm_conf() {
  mkdir -p "$1/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\n' "$1/tokens" >"$1/softhsm2.conf"
  export SOFTHSM2_CONF=$1/softhsm2.conf
}

# init_token LABEL SO_PIN PIN: a new empty token under $SOFTHSM2_CONF. The PINs are the test's
# own (softhsm2-util takes them as arguments; kpki never does).
init_token() {
  softhsm2-util --init-token --free --label "$1" --so-pin "$2" --pin "$3" >/dev/null
}

# other_user DIR: p11-kit reads a user's configuration (~/.config/pkcs11) only for users other
# than root, so as root a test of it runs that part as nobody. Makes DIR (mode 0700, the user's),
# sets U=DIR and defines as_user CMD... (HOME=DIR/home; as another user only when root).
other_user() {
  U=$1
  if [ "$(id -u)" = 0 ]; then
    chmod 0711 "$WORK" && mkdir -m 0700 "$U" && chown 65534:65534 "$U"
    as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$U/home" "$@"; }
  else
    mkdir -m 0700 "$U"
    as_user() { env HOME="$U/home" "$@"; }
  fi
}
