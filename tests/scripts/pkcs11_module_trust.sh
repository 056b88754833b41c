#!/usr/bin/env bash
# What kpki trusts before it talks to a token: module files (refused before dlopen unless
# absolute, root- or user-owned and not group/other writable, nor any directory or symlink on the
# way; module-name through p11-kit's registry, loading only that module, never another registered
# one, nor any for the default; relative module-path only in a config, against its directory),
# PIN files (0600 or refused), PIN retry counters (a test module reports the flags SoftHSM never
# sets: C_Login is not called on a final try or a locked PIN, a low count warns), and generated
# keys (read-only; a key the token made weaker than asked is deleted).
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
require_softhsm
FWD=$(test_module forward)
MARKER_LIB=$(test_module marker)
cd "$WORK"

make_token trust
expect_ok "make-token writes the PIN file 0600" test "$(stat -c %a "$PIN")" = 600
uri() { echo "pkcs11:token=trust;object=$1?pin-source=file:$PIN${2:+&$2}"; }
expect_ok "key generate" "$KPKI" key generate "$(uri ca)" --algorithm ecdsa-p256

# --- Module files -------------------------------------------------------------------------------
export KPKI_TEST_MARKER=$WORK/marker
# Control: a library kpki may load is loaded (its constructor writes the marker), then found not
# to be a PKCS#11 module; so the marker checks below can fail.
expect_error "marker library loads from the build tree" "not a PKCS#11 module" \
  "$KPKI" key public "$(uri ca "module-path=$MARKER_LIB")"
expect_ok "control: marker written" test -f "$KPKI_TEST_MARKER"
rm -f "$KPKI_TEST_MARKER"

mkdir -m 0777 open && cp "$MARKER_LIB" open/m.so && chmod 0755 open/m.so
expect_error "module in a world-writable directory" "refusing to load PKCS#11 module '$WORK/open/m.so': directory '$WORK/open' is mode 0777: writable by others" \
  "$KPKI" key public "$(uri ca "module-path=$WORK/open/m.so")"
mkdir -m 0700 private && cp "$MARKER_LIB" private/m.so && chmod 0666 private/m.so
expect_error "world-writable module file" "file '$WORK/private/m.so' is mode 0666: writable by others" \
  "$KPKI" key public "$(uri ca "module-path=$WORK/private/m.so")"
chmod 0664 private/m.so
expect_error "group-writable module via --pkcs11-module" "is mode 0664: writable by group" \
  "$KPKI" hsm tokens --pkcs11-module "$WORK/private/m.so"
cat >unsafe.yaml <<YAML
apiVersion: kpki/v1alpha1
kind: ClusterPKI
caKeys:
  ca: "$(uri kubernetes-ca "module-path=open/m.so")"
nodes:
  - {name: cp1, address: 10.0.0.1, role: control-plane}
YAML
out=$("$KPKI" init --config unsafe.yaml --dir out-unsafe --dry-run 2>&1) && fail "init --dry-run: unsafe module accepted" \
  || { printf '%s' "$out" | grep -q "refusing to load PKCS#11 module '$WORK/open/m.so'" && pass \
       || fail "init --dry-run with an unsafe module: $out"; }
expect_ok "no unsafe library was ever loaded" test ! -e "$KPKI_TEST_MARKER"
expect_ok "dry-run wrote nothing" test ! -e out-unsafe

expect_error "relative module-path on the command line" "module-path must be absolute" \
  "$KPKI" key public "$(uri ca "module-path=libsofthsm2.so")"
expect_error "relative --pkcs11-module" "must be absolute" "$KPKI" hsm tokens --pkcs11-module libsofthsm2.so
expect_error "module-name and module-path" "either module-name or module-path" \
  "$KPKI" key public "$(uri ca "module-name=softhsm2&module-path=$MODULE")"
expect_error "unknown module-name" "no PKCS#11 module named 'nope' in p11-kit's registry \(registered: .*softhsm2" \
  "$KPKI" key public "$(uri ca "module-name=nope")"
expect_ok "module-name=softhsm2 with the private SOFTHSM2_CONF" \
  env -u KPKI_PKCS11_MODULE "$KPKI" key public "$(uri ca "module-name=softhsm2")" --out ca.pub
expect_ok "same key as through module-path" sh -c "test \"\$('$KPKI' key public '$(uri ca "module-path=$MODULE")')\" = \"\$(cat ca.pub)\""

# A symlink is checked where it sits, not only where it points: anyone who can write the directory
# holding it can point it elsewhere.
mkdir -m 0700 safe && cp "$MARKER_LIB" safe/m.so && chmod 0755 safe/m.so
mkdir -m 0777 open-links && ln -s "$WORK/safe/m.so" open-links/m.so && ln -s "$MODULE" open-links/softhsm.so
expect_error "module-path: symlink in a world-writable directory" \
  "refusing to load PKCS#11 module '$WORK/open-links/m.so': directory '$WORK/open-links' is mode 0777: writable by others" \
  "$KPKI" key public "$(uri ca "module-path=$WORK/open-links/m.so")"
expect_error "module-path: symlink to SoftHSM in a world-writable directory" "directory '$WORK/open-links' is mode 0777" \
  "$KPKI" key public "$(uri ca "module-path=$WORK/open-links/softhsm.so")"
expect_ok "no library was loaded through the symlinks" test ! -e "$KPKI_TEST_MARKER"

# --- p11-kit's registry: only the module asked for is loaded -----------------------------------
# evil.module, registered the way any user can (~/.config/pkcs11/modules, here a private
# XDG_CONFIG_HOME), names a library whose constructor writes the marker and prints a line on
# stderr. p11_kit_modules_load() and the p11-kit proxy would load it on every PKCS#11 command.
# p11-kit (and kpki, following it) ignores user configs for root, so as root this part runs as
# nobody, with its own token.
other_user "$WORK/user"
as_user env SOFTHSM2_CONF="$U/softhsm2.conf" sh -c "mkdir -p '$U/tokens' '$U/home' '$U/xdg/pkcs11/modules' && cp '$MARKER_LIB' '$U/xdg/evil.so' && chmod 0755 '$U/xdg/evil.so' &&
  echo 'directories.tokendir = $U/tokens' >'$U/softhsm2.conf' && echo 'module: $U/xdg/evil.so' >'$U/xdg/pkcs11/modules/evil.module' &&
  softhsm2-util --init-token --free --label reg --so-pin 5678 --pin 1234 >/dev/null && echo 1234 >'$U/pin' && chmod 600 '$U/pin'" \
  && pass || fail "registry test setup as $(as_user id -un)"
registered() {
  as_user env -u KPKI_PKCS11_MODULE SOFTHSM2_CONF="$U/softhsm2.conf" XDG_CONFIG_HOME="$U/xdg" \
    KPKI_TEST_MARKER="$U/marker" "$@"
}
ruri() { echo "pkcs11:token=reg;object=$1?pin-source=file:$U/pin${2:+&$2}"; }
marker_absent() { as_user test ! -e "$U/marker"; }
expect_ok "registry: key generate (module-path)" registered "$KPKI" key generate "$(ruri k "module-path=$MODULE")" --algorithm ecdsa-p256
expect_error "control: module-name=evil finds and loads the user's module" "not a PKCS#11 module" \
  registered "$KPKI" key public "$(ruri k "module-name=evil")"
expect_ok "control: marker written" as_user test -f "$U/marker"
as_user rm -f "$U/marker"
export KPKI_TEST_MARKER_NOISE="evil module: TCTI noise on stderr"
expect_ok "module-name=softhsm2 beside a registered evil module" \
  registered "$KPKI" key public "$(ruri k "module-name=softhsm2")"
expect_ok "ca create (a signature) with module-name=softhsm2" \
  registered "$KPKI" ca create --key "$(ruri k "module-name=softhsm2")" --cn reg --out "$U/reg-ca.crt"
expect_ok "hsm keys with module-name=softhsm2" \
  registered "$KPKI" hsm keys "pkcs11:token=reg?module-name=softhsm2&pin-source=file:$U/pin"
expect_ok "no module named: the default (softhsm2 among several)" registered "$KPKI" key public "$(ruri k)"
expect_ok "hsm tokens with no module named" registered "$KPKI" hsm tokens
expect_error "unknown module-name: one line, no module's noise" \
  "no PKCS#11 module named 'nope' in p11-kit's registry \(registered: .*evil.*softhsm2" \
  registered "$KPKI" key public "$(ruri k "module-name=nope")"
expect_ok "the registered module was never loaded" marker_absent
unset KPKI_TEST_MARKER_NOISE
as_user chmod 0777 "$U/xdg/pkcs11/modules"
expect_error "a module config in a world-writable directory" \
  "refusing to load PKCS#11 module config '$U/xdg/pkcs11/modules/evil.module': directory '$U/xdg/pkcs11/modules' is mode 0777" \
  registered "$KPKI" key public "$(ruri k "module-name=evil")"
as_user chmod 0755 "$U/xdg/pkcs11/modules"
expect_ok "still never loaded" marker_absent

# A relative module-path in a config resolves against the config's directory, like pin-source.
mkdir -p cfg && ln -s "$MODULE" cfg/softhsm.so && cp "$PIN" cfg/pin && chmod 600 cfg/pin
cat >cfg/cluster.yaml <<YAML
apiVersion: kpki/v1alpha1
kind: ClusterPKI
caKeys:
  ca: "pkcs11:token=trust;object=kubernetes-ca?pin-source=file:pin&module-path=softhsm.so"
  etcd-ca: "pkcs11:token=trust;object=etcd-ca?pin-source=file:pin&module-path=softhsm.so"
  front-proxy-ca: "pkcs11:token=trust;object=front-proxy-ca?pin-source=file:pin&module-path=softhsm.so"
nodes:
  - {name: cp1, address: 10.0.0.1, role: control-plane}
YAML
expect_ok "config-relative module-path" env -u KPKI_PKCS11_MODULE "$KPKI" init --config cfg/cluster.yaml --dir out-cfg --dry-run

# --- PIN files ----------------------------------------------------------------------------------
cp "$PIN" shared-pin && chmod 0644 shared-pin
expect_error "PIN file readable by others" "PIN file '$WORK/shared-pin' is mode 0644, open to group and others: chmod 600" \
  "$KPKI" key public "pkcs11:token=trust;object=ca?pin-source=file:$WORK/shared-pin"
chmod 0640 shared-pin
expect_error "PIN file readable by group" "PIN file '$WORK/shared-pin' is mode 0640, open to group: chmod 600" \
  "$KPKI" key public "pkcs11:token=trust;object=ca?pin-source=file:$WORK/shared-pin"

# --- PIN retry counters, through the forwarding module ----------------------------------------
export KPKI_TEST_FORWARD_MODULE=$MODULE KPKI_TEST_LOGIN_LOG=$WORK/logins
logins() { [ -f "$KPKI_TEST_LOGIN_LOG" ] && grep -c C_Login "$KPKI_TEST_LOGIN_LOG" || echo 0; }
expect_ok "forwarding module, no flags" "$KPKI" key public "$(uri ca "module-path=$FWD")"
expect_ok "control: C_Login reached the token once" test "$(logins)" = 1
rm -f "$KPKI_TEST_LOGIN_LOG"
expect_error "final try" "has one try left, not attempting a login" \
  env KPKI_TEST_TOKEN_FLAGS=final_try "$KPKI" key public "$(uri ca "module-path=$FWD")"
expect_error "locked" "user PIN of token 'trust' .* is locked" \
  env KPKI_TEST_TOKEN_FLAGS=locked "$KPKI" key public "$(uri ca "module-path=$FWD")"
out=$("$KPKI" key public "pkcs11:token=trust;object=ca?pin-value=&module-path=$FWD" 2>&1) \
  && fail "empty pin-value accepted" \
  || { printf '%s' "$out" | grep -q "is empty; not attempting a login" && pass || fail "empty pin-value: $out"; }
expect_ok "no C_Login on final try, locked or empty PIN" test "$(logins)" = 0
out=$(KPKI_TEST_TOKEN_FLAGS=count_low "$KPKI" key public "$(uri ca "module-path=$FWD")" 2>&1 >/dev/null) \
  && pass || fail "count_low: login refused: $out"
expect_ok "count_low warns" sh -c "printf '%s' '$out' | grep -q 'warning: .*CKF_USER_PIN_COUNT_LOW'"

# --- Generated keys -----------------------------------------------------------------------------
# A token that makes the key weaker than asked (here: decrypt allowed): kpki reads the private
# key's attributes back, deletes the pair and says which attributes were wrong.
expect_error "token granting decrypt to a CA key" "made the CA key with CKA_DECRYPT=true.*the key was deleted" \
  env KPKI_TEST_KEYGEN_GRANTS_DECRYPT=1 "$KPKI" key generate "$(uri weak "module-path=$FWD")" --algorithm ecdsa-p256
"$KPKI" hsm keys "pkcs11:token=trust?pin-source=file:$PIN" 2>&1 | grep -qw weak \
  && fail "the weakened key was left on the token" || pass
expect_ok "hsm keys json" sh -c "'$KPKI' hsm keys 'pkcs11:token=trust?pin-source=file:$PIN' -o json >keys.json"
expect_ok "generated keys are not modifiable" python3 -c "
import json; keys = json.load(open('keys.json'))['items']
assert keys and all(k['modifiable'] is False for k in keys), keys"
finish
