#!/usr/bin/env bash
# Brings up a software TPM 2.0 (swtpm) behind the tpm2-abrmd resource manager on a private session
# D-Bus, and makes a tpm2-pkcs11 token on it, all under DIR: TPM state, tpm2-pkcs11 store, random
# user and SO PINs in 0600 files, pid files of every daemon it started. Nothing system-wide is
# touched (no system bus, no /etc/tpm2_pkcs11). Without the resource manager the TPM runs out of
# object slots after a few keys, hence abrmd even for a software TPM.
#
# Usage: hsm-setup/make-tpm-token.sh [--dir DIR] [--label LABEL]
#        hsm-setup/make-tpm-token.sh --stop DIR
# stdout: the lines to eval, e.g.  eval "$(hsm-setup/make-tpm-token.sh --dir /tmp/tpm)"
#   export DBUS_SESSION_BUS_ADDRESS=...   TPM2_PKCS11_TCTI=tabrmd:bus_type=session
#   export TPM2_PKCS11_STORE=DIR/store    KPKI_PKCS11_MODULE=.../libtpm2_pkcs11.so
#   export KPKI_TPM_PIN_FILE=DIR/user-pin KPKI_TPM_TOKEN=LABEL
#   and a comment with the stop command. On failure stdout is `false`, so an eval fails too.
# --stop DIR kills exactly the daemons recorded in DIR/*.pid (swtpm, tpm2-abrmd, dbus-daemon).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dir="$repo/.tpm"
label=kpki-tpm
module=/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so
stop_dir=

while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --label) label=$2; shift 2 ;;
    --stop) stop_dir=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make-tpm-token: unknown argument '$1' (see --help)" >&2; echo false; exit 2 ;;
  esac
done

log() { echo "make-tpm-token: $*" >&2; }

# Kills the daemons whose pid files are in $1, newest first; only a pid whose command line still
# names the expected program is signalled (a recycled pid is left alone).
stop_all() {
  local d=$1 name pid
  for name in tpm2-abrmd swtpm dbus-daemon; do
    [ -f "$d/$name.pid" ] || continue
    pid=$(tr -dc 0-9 < "$d/$name.pid")
    if [ -n "$pid" ] && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -q "$name"; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$d/$name.pid"
  done
}

if [ -n "$stop_dir" ]; then
  [ -d "$stop_dir" ] || { log "no such directory $stop_dir"; exit 1; }
  stop_all "$stop_dir"
  exit 0
fi

fail() { log "$*"; echo false; exit 1; }

for tool in swtpm tpm2-abrmd dbus-daemon tpm2_ptool python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing; run hsm-setup/install-deps.sh"
done
[ -r "$module" ] || fail "tpm2-pkcs11 module $module is missing; run hsm-setup/install-deps.sh"

umask 077
mkdir -p "$dir/state" "$dir/store"
dir=$(cd "$dir" && pwd)
[ -f "$dir/swtpm.pid" ] && fail "$dir already has a running TPM (stop it: $0 --stop $dir)"

# From here on, a failure stops whatever was started.
trap 'rc=$?; if [ $rc -ne 0 ]; then stop_all "$dir"; echo false; fi' EXIT

# Two consecutive free TCP ports (server P, control P+1), chosen by the kernel.
free_port_pair() {
  python3 - <<'EOF'
import socket
for _ in range(100):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 1)); print(p); break
    except OSError:
        pass
    finally:
        a.close(); b.close()
EOF
}
port=$(free_port_pair)
[ -n "$port" ] || { log "no free pair of TCP ports"; exit 1; }

swtpm socket --tpm2 --tpmstate "dir=$dir/state" \
  --server "type=tcp,port=$port,bindaddr=127.0.0.1" --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" \
  --flags not-need-init,startup-clear --pid "file=$dir/swtpm.pid" --log "file=$dir/swtpm.log" --daemon \
  || { log "swtpm did not start (see $dir/swtpm.log)"; exit 1; }

# A private session bus: abrmd registers its name there, never on the system bus.
bus=$(dbus-daemon --session --fork --print-address=1 --print-pid=3 --nopidfile 3>"$dir/dbus-daemon.pid") \
  || { log "dbus-daemon did not start"; exit 1; }
export DBUS_SESSION_BUS_ADDRESS=$bus

tpm2-abrmd --session --allow-root --tcti="swtpm:host=127.0.0.1,port=$port" >"$dir/tpm2-abrmd.log" 2>&1 &
echo $! > "$dir/tpm2-abrmd.pid"
export TPM2_PKCS11_TCTI=tabrmd:bus_type=session
export TPM2TOOLS_TCTI=tabrmd:bus_type=session
export TPM2_PKCS11_STORE=$dir/store
# abrmd takes a moment to claim its bus name; tpm2_ptool init fails until it has.
ready=0
for _ in $(seq 50); do
  if tpm2_getrandom 4 >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$(cat "$dir/tpm2-abrmd.pid")" 2>/dev/null || break
  sleep 0.1
done
[ "$ready" -eq 1 ] || { log "tpm2-abrmd is not answering (see $dir/tpm2-abrmd.log)"; exit 1; }

new_pin() { od -An -tx1 -N12 /dev/urandom | tr -d ' \n'; }
for f in so-pin user-pin; do
  [ -s "$dir/$f" ] || { new_pin > "$dir/$f"; chmod 0600 "$dir/$f"; }
done

# tpm2_ptool takes the PINs only as flags (its own interface); its output is kept out of logs.
if ! tpm2_ptool listprimaries 2>/dev/null | grep -q 'id: 1$'; then
  tpm2_ptool init >/dev/null 2>"$dir/ptool.err" || { log "tpm2_ptool init failed: $(tail -1 "$dir/ptool.err")"; exit 1; }
fi
if tpm2_ptool listtokens --pid=1 2>/dev/null | grep -Eq "label: ${label}\$"; then
  log "token '$label' already exists in $dir/store"
else
  tpm2_ptool addtoken --pid=1 --label="$label" --userpin="$(cat "$dir/user-pin")" \
    --sopin="$(cat "$dir/so-pin")" >/dev/null 2>"$dir/ptool.err" \
    || { log "tpm2_ptool addtoken failed: $(tail -1 "$dir/ptool.err")"; exit 1; }
  log "created TPM token '$label' (store $dir/store, PINs in $dir/user-pin and $dir/so-pin)"
fi
rm -f "$dir/ptool.err"

echo "export DBUS_SESSION_BUS_ADDRESS='$bus'"
echo "export TPM2_PKCS11_TCTI=tabrmd:bus_type=session"
echo "export TPM2TOOLS_TCTI=tabrmd:bus_type=session"
echo "export TPM2_PKCS11_STORE='$dir/store'"
echo "export KPKI_PKCS11_MODULE=$module"
echo "export KPKI_TPM_TOKEN='$label'"
echo "export KPKI_TPM_PIN_FILE='$dir/user-pin'"
echo "# stop: $0 --stop '$dir'"
