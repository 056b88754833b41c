#!/usr/bin/env bash
# Secrets hygiene through the CLI: a passphrase (and, with the PKCS#11 backend, a PIN) never shows
# up in kpki's output, its error text, its own or any child's command line or environment; and
# private keys are created 0600 even under umask 000.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
cd "$WORK"
MARK="kpki-secret-$RANDOM$RANDOM-marker"

# no_secret WHAT FILE...: none of the files contains the marker.
no_secret() {
  local what=$1; shift
  if grep -qs -- "$MARK" "$@"; then fail "$what: secret leaked: $(grep -h -- "$MARK" "$@" | head -3)"; else pass; fi
}

# watch_processes PID: while PID runs, copy the command line and environment of it and every
# process in its session to procs.txt (NULs as spaces) so a leak into argv/env is caught.
watch_processes() {
  local pid=$1 sid p
  sid=$(ps -o sid= -p "$pid" 2>/dev/null | tr -d ' ') || return 0
  while kill -0 "$pid" 2>/dev/null; do
    for p in $(ps -e -o pid=,sid= | awk -v s="$sid" '$2 == s {print $1}'); do
      { tr '\0' ' ' <"/proc/$p/cmdline" >>procs.txt; } 2>/dev/null || true
      { tr '\0' ' ' <"/proc/$p/environ" >>procs.txt; } 2>/dev/null || true
      echo >>procs.txt
    done
    sleep 0.02
  done
}

# run_with_fifo SECRET_FIFO CMD...: runs CMD in its own session with the secret delivered through
# a FIFO, so kpki is certainly alive (blocked reading it) while its processes are inspected.
run_with_fifo() {
  local fifo=$1; shift
  rm -f "$fifo" && mkfifo -m 600 "$fifo"
  setsid "$@" >>out.txt 2>>err.txt &
  local pid=$!
  watch_processes "$pid" &
  local watcher=$!
  sleep 0.3
  printf '%s\n' "$MARK" >"$fifo"
  local rc=0
  wait "$pid" || rc=$?
  wait "$watcher" || true
  return "$rc"
}

: >out.txt; : >err.txt; : >procs.txt
# The watcher itself must see a secret that is on a command line (else this test cannot fail).
run_with_fifo self.fifo sh -c 'cat self.fifo >/dev/null; sleep 0.3' "$MARK"
grep -q -- "$MARK" procs.txt && pass || fail "watcher self-test: argv of a child not observed"
: >procs.txt
run_with_fifo pass.fifo "$KPKI" key generate enc.key --algorithm rsa-3072 --passphrase-file pass.fifo \
  && pass || fail "key generate with passphrase fifo: $(cat err.txt)"
grep -q "ENCRYPTED PRIVATE KEY" enc.key && pass || fail "key was not encrypted"
run_with_fifo pass.fifo "$KPKI" ca create --key enc.key --key-passphrase-file pass.fifo --cn s \
  --out ca.crt && pass || fail "ca create with passphrase fifo: $(cat err.txt)"
run_with_fifo pass.fifo "$KPKI" issue --ca-cert ca.crt --ca-key enc.key \
  --ca-key-passphrase-file pass.fifo --profile client --cn c --key c.key --out c.crt \
  && pass || fail "issue with passphrase fifo: $(cat err.txt)"
[ "$(grep -c . procs.txt)" -gt 0 ] && pass || fail "no process was observed (watcher broken)"
no_secret "stdout/stderr of successful runs" out.txt err.txt
no_secret "command lines and environments" procs.txt

# Wrong passphrase: the error names the file, never the passphrase it tried (the right one is the
# marker; the wrong one is a second marker).
printf '%s-wrong\n' "$MARK" >wrong.txt && chmod 600 wrong.txt
expect_error "wrong passphrase" "cannot decrypt key file 'enc.key'" \
  "$KPKI" issue --ca-cert ca.crt --ca-key enc.key --ca-key-passphrase-file wrong.txt \
  --profile client --cn c --key d.key --out d.crt
"$KPKI" issue --ca-cert ca.crt --ca-key enc.key --ca-key-passphrase-file wrong.txt \
  --profile client --cn c --key d.key --out d.crt >out2.txt 2>err2.txt || true
no_secret "wrong-passphrase error" out2.txt err2.txt

# PIN for a PKCS#11 key (pin-source=file:), when the backend and a SoftHSM token are available.
if softhsm_available; then
  softhsm_conf "$WORK"
  init_token kpki-secrets "so-$MARK" "$MARK"
  module=$MODULE
  : >out.txt; : >err.txt; : >procs.txt
  run_with_fifo pin.fifo "$KPKI" key generate \
    "pkcs11:token=kpki-secrets;object=ca?pin-source=file:$WORK/pin.fifo&module-path=$module" \
    --algorithm ecdsa-p256 && pass || fail "pkcs11 key generate with PIN fifo: $(cat err.txt)"
  run_with_fifo pin.fifo "$KPKI" ca create \
    --key "pkcs11:token=kpki-secrets;object=ca?pin-source=file:$WORK/pin.fifo&module-path=$module" \
    --cn hsm --out hsm.crt && pass || fail "pkcs11 ca create with PIN fifo: $(cat err.txt)"
  no_secret "PIN in output" out.txt err.txt
  no_secret "PIN in command lines and environments" procs.txt
  printf 'wrong-%s\n' "$MARK" >badpin.txt && chmod 600 badpin.txt
  "$KPKI" key public "pkcs11:token=kpki-secrets;object=ca?pin-source=file:$WORK/badpin.txt&module-path=$module" \
    >out3.txt 2>err3.txt && fail "wrong PIN accepted" || pass
  no_secret "wrong-PIN error" out3.txt err3.txt
else
  echo "PKCS#11 PIN checks skipped: kpki without PKCS#11, or SoftHSM2 not installed"
fi

# Private keys are 0600 whatever the umask; certificates 0644.
(
  umask 000
  "$KPKI" key generate u1.key --algorithm ed25519 2>/dev/null
  "$KPKI" ca create --key u2.key --cn u --out u2.crt 2>/dev/null
  "$KPKI" issue --ca-cert u2.crt --ca-key u2.key --profile server --cn u --key u3.key \
    --out u3.crt 2>/dev/null
  "$KPKI" csr --key u4.key --cn u --out u4.csr 2>/dev/null || true
  "$KPKI" key generate --force u1.key --algorithm ecdsa-p256 2>/dev/null
)
for k in u1.key u2.key u3.key u4.key; do
  [ -e "$k" ] || continue
  mode=$(stat -c %a "$k")
  [ "$mode" = 600 ] && pass || fail "$k created with mode $mode under umask 000"
done
for c in u2.crt u3.crt; do
  mode=$(stat -c %a "$c")
  [ "$mode" = 644 ] && pass || fail "$c created with mode $mode under umask 000"
done
finish
