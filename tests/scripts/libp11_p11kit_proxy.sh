#!/usr/bin/env bash
# libp11: through p11-kit's proxy (module-path=.../p11-kit-proxy.so) on a token holding an
# Ed25519 key: the proxy hands each caller its own function list, so kpki's filter that hides
# Ed25519 keys from libp11 0.4.12 must still apply, or libp11 "cannot list the keys". The proxy
# sees only a private registry: a user config (as nobody when run as root, since p11-kit ignores
# user configs for root) registering SoftHSM and disabling the system's other modules in the proxy.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
PROXY=$(pkg-config --variable=proxy_module p11-kit-1 2>/dev/null || true)
[ -n "$PROXY" ] || PROXY=/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so
[ -r "$PROXY" ] || { echo "SKIP: p11-kit proxy not installed"; exit 77; }
require_softhsm

other_user "$WORK/user"
# The proxy's registry: SoftHSM, and every module the system registers switched off in the proxy
# (a user config with the same file name overrides the system's).
as_user sh -c "mkdir -p '$U/tokens' '$U/home/.config/pkcs11/modules' && echo 'directories.tokendir = $U/tokens' >'$U/softhsm2.conf' &&
  for f in /usr/share/p11-kit/modules/*.module /etc/pkcs11/modules/*.module; do [ -e \"\$f\" ] || continue;
    printf 'disable-in: p11-kit-proxy\n' >'$U/home/.config/pkcs11/modules/'\$(basename \"\$f\"); done &&
  printf 'module: $MODULE\n' >'$U/home/.config/pkcs11/modules/softhsm2.module' &&
  SOFTHSM2_CONF='$U/softhsm2.conf' softhsm2-util --init-token --free --label T --so-pin 5678 --pin 1234 >/dev/null &&
  echo 1234 >'$U/pin' && chmod 600 '$U/pin'" && pass || fail "setup as $(as_user id -un)"
run() {
  as_user env -u KPKI_PKCS11_MODULE SOFTHSM2_CONF="$U/softhsm2.conf" XDG_CONFIG_HOME="$U/home/.config" "$@"
}
key() { echo "$1:token=T;object=$2?pin-source=file:$U/pin${3:+&$3}"; }

expect_ok "ecdsa key on the token" run "$KPKI" key generate "$(key pkcs11 ec "module-path=$MODULE")" --algorithm ecdsa-p256
expect_ok "control: libp11 through the proxy before any Ed25519 key" \
  run "$KPKI" ca create --key "$(key libp11 ec "module-path=$PROXY")" --cn before --out "$U/before.crt"
expect_ok "ed25519 key beside it" run "$KPKI" key generate "$(key pkcs11 ed "module-path=$MODULE")" --algorithm ed25519
expect_ok "libp11 through the proxy beside an Ed25519 key" \
  run "$KPKI" ca create --key "$(key libp11 ec "module-path=$PROXY")" --cn proxy --out "$U/proxy.crt"
expect_ok "same key as through the module itself" sh -c \
  "test \"\$(openssl x509 -noout -pubkey -in '$U/before.crt')\" = \"\$(openssl x509 -noout -pubkey -in '$U/proxy.crt')\""
expect_ok "pkcs11: through the proxy, the Ed25519 key signs" \
  run "$KPKI" ca create --key "$(key pkcs11 ed "module-path=$PROXY")" --cn ed --out "$U/ed.crt"
expect_ok "libp11 with the module the registry names (no module-path)" \
  run "$KPKI" ca create --key "$(key libp11 ec)" --cn default --out "$U/default.crt"
finish
