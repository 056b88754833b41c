#!/usr/bin/env bash
# Stray modules stay silent: on a machine where p11-kit registers tpm2-pkcs11 (whose TCTI loader
# prints a dozen ERROR/WARNING lines on stderr when no TPM answers) and where a user registered a
# module of their own that prints on load (the test marker library with $KPKI_TEST_MARKER_NOISE,
# through a private XDG_CONFIG_HOME), kpki using SoftHSM -- with no module named (the default),
# with module-name=softhsm2, and through libp11: -- prints nothing on stderr for hsm tokens, hsm
# keys, ca create, issue, init, certs renew, ca rotate, crl and bench. Controls: the same noise
# reaches stderr when kpki is asked for that module, so its absence is kpki's doing.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
require_softhsm
MARKER_LIB=$(test_module marker)
other_user "$WORK/u"  # as root, the user part runs as nobody (p11-kit reads no root user config)
as_user sh -c "mkdir -p '$U/home' '$U/xdg/pkcs11/modules' && cp '$MARKER_LIB' '$U/xdg/noisy.so' &&
  chmod 0755 '$U/xdg/noisy.so' && echo 'module: $U/xdg/noisy.so' >'$U/xdg/pkcs11/modules/noisy.module'" ||
  { fail "setup as $(as_user id -un)"; finish; }
as_user "$KPKI_SOURCE_DIR/hsm-setup/make-token.sh" --dir "$U/hsm" --label quiet --kpki "$KPKI" >"$WORK/token.env" 2>/dev/null ||
  { fail "make-token.sh as $(as_user id -un)"; finish; }
PIN=$U/hsm/user-pin
tpm2=$(grep -ls 'libtpm2_pkcs11' /etc/pkcs11/modules/*.module /usr/share/p11-kit/modules/*.module 2>/dev/null | head -1 || true)
[ -n "$tpm2" ] && echo "tpm2-pkcs11 registered in $tpm2" || echo "note: tpm2-pkcs11 is not registered here; the user's noisy module stands in"

# quiet DESCRIPTION CMD...: as the user, with the registry and the noise; exit 0, and nothing on
# stderr but kpki's own result lines (ca create, issue and crl say what they wrote there).
quiet() {
  local what=$1; shift
  local err rc=0
  err=$(as_user env -u KPKI_PKCS11_MODULE SOFTHSM2_CONF="$U/hsm/softhsm2.conf" XDG_CONFIG_HOME="$U/xdg" \
    KPKI_TEST_MARKER_NOISE="noisy module: TCTI noise on stderr" sh -c 'cd "$1" && shift && "$@" 2>&1 >/dev/null' _ "$U" "$@") || rc=$?
  err=$(printf '%s\n' "$err" | grep -vE '^(generated [a-z0-9-]+ key|wrote|removed the bench key) ' || true)
  if [ $rc -ne 0 ]; then fail "$what (exit $rc): $err"; elif [ -n "$err" ]; then fail "$what printed: $err"; else pass; fi
}
uri() { echo "pkcs11:token=quiet;object=$1?pin-source=file:$PIN${2:+&$2}"; }
ca_key() { if [ "$1" = etcd-ca ]; then uri "$1" module-name=softhsm2; else uri "$1"; fi; }
cluster_yaml 1 ca_key >"$WORK/cluster.yaml"
chmod 0644 "$WORK/cluster.yaml"

quiet "hsm tokens (the default module)" "$KPKI" hsm tokens
quiet "hsm keys, module-name=softhsm2" "$KPKI" hsm keys "pkcs11:token=quiet?module-name=softhsm2&pin-source=file:$PIN"
quiet "ca create (the default module)" "$KPKI" ca create --key "$(uri root)" --generate --cn quiet --out ca.crt
quiet "issue through libp11:" "$KPKI" issue --ca-cert ca.crt --ca-key "libp11:token=quiet;object=root?pin-source=file:$PIN" \
  --profile server --cn n --dns n.example --algorithm ecdsa-p256 --key n.key --out n.crt
quiet "crl" "$KPKI" crl --ca-cert ca.crt --ca-key "$(uri root)" --out crl.pem
quiet "init" "$KPKI" init --config "$WORK/cluster.yaml" --dir out
quiet "certs renew" "$KPKI" certs renew apiserver --dir out/nodes/cp1 --config "$WORK/cluster.yaml"
quiet "ca rotate begin" "$KPKI" ca rotate front-proxy-ca --dir out --config "$WORK/cluster.yaml" --phase begin
quiet "bench --backends pkcs11,libp11" "$KPKI" bench --backends pkcs11,libp11 --algorithms ecdsa-p256 \
  --duration 50ms --pkcs11-uri "pkcs11:token=quiet?pin-source=file:$PIN"

# Controls: asked for, those modules do print (so the silence above is kpki loading only SoftHSM).
noise=$(as_user env XDG_CONFIG_HOME="$U/xdg" KPKI_TEST_MARKER_NOISE="noisy module: TCTI noise on stderr" \
  "$KPKI" hsm tokens --pkcs11-module "$U/xdg/noisy.so" 2>&1 || true)
case $noise in *"noisy module: TCTI noise"*) pass ;; *) fail "control: the noisy module printed nothing: $noise" ;; esac
if [ -n "$tpm2" ]; then
  noise=$(env -u TPM2_PKCS11_TCTI -u TPM2TOOLS_TCTI TSS2_LOG=all+WARNING "$KPKI" hsm tokens \
    --pkcs11-module "$(sed -n 's/^module:[ ]*//p' "$tpm2" | head -1 | sed 's|^\([^/]\)|/usr/lib/x86_64-linux-gnu/pkcs11/\1|')" 2>&1 || true)
  [ "$(printf '%s\n' "$noise" | grep -c .)" -gt 1 ] && pass || fail "control: tpm2-pkcs11 printed nothing: $noise"
fi
finish
