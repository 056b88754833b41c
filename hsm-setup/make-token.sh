#!/usr/bin/env bash
# Makes a project-local SoftHSM2 token for kpki: its own softhsm2.conf and token directory under
# DIR (default: <repo>/.hsm), random SO and user PINs in 0600 files, and optionally the CA keys
# generated on the token. Never touches the system token directory. Idempotent: an existing
# token with the label is reused, existing keys are kept.
#
# Usage: hsm-setup/make-token.sh [--dir DIR] [--label LABEL] [--keys] [--algorithm ALG]
#                                [--kpki PATH]
#   --keys        also generate kubernetes-ca, etcd-ca and front-proxy-ca on the token
#   --algorithm   algorithm of those keys (default ecdsa-p256)
#   --kpki        the kpki binary for --keys (default: $KPKI, else <repo>/build/cli/kpki when
#                 built, else `kpki` on PATH)
# stdout: the lines to eval, e.g.  eval "$(hsm-setup/make-token.sh --keys)"
#   export SOFTHSM2_CONF=DIR/softhsm2.conf
#   export KPKI_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
# On failure stdout is `false` instead, so that the eval fails too (an eval of nothing succeeds):
# under `set -e` the calling script stops, an interactive shell sees exit status 1.
set -euo pipefail
trap 'rc=$?; [ "$rc" -eq 0 ] || echo "false  # hsm-setup/make-token.sh failed (exit $rc), see its error above"' EXIT

repo=$(cd "$(dirname "$0")/.." && pwd)
dir="$repo/.hsm"
label=kube-ca
gen_keys=0
algorithm=ecdsa-p256
kpki="${KPKI:-}"
module=/usr/lib/softhsm/libsofthsm2.so

while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --label) label=$2; shift 2 ;;
    --keys) gen_keys=1; shift ;;
    --algorithm) algorithm=$2; shift 2 ;;
    --kpki) kpki=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; trap - EXIT; exit 0 ;;
    *) echo "make-token: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

log() { echo "make-token: $*" >&2; }
for tool in softhsm2-util pkcs11-tool; do
  command -v "$tool" >/dev/null || { log "$tool is missing; run hsm-setup/install-deps.sh"; exit 1; }
done
[ -r "$module" ] || { log "SoftHSM module $module is missing; run hsm-setup/install-deps.sh"; exit 1; }

umask 077
mkdir -p "$dir/tokens"
dir=$(cd "$dir" && pwd)
case "$dir" in
  /var/lib/softhsm*) log "refusing to use the system token directory $dir"; exit 1 ;;
esac
conf="$dir/softhsm2.conf"
if [ ! -f "$conf" ]; then
  printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$dir" > "$conf"
fi
export SOFTHSM2_CONF="$conf"

# PINs: random, written once, never on a command line (pkcs11-tool reads them from env:).
new_pin() { od -An -tx1 -N12 /dev/urandom | tr -d ' \n'; }
for f in so-pin user-pin; do
  if [ ! -s "$dir/$f" ]; then
    new_pin > "$dir/$f"
    chmod 0600 "$dir/$f"
  fi
done

token_exists() { softhsm2-util --show-slots 2>/dev/null | grep -Eq "^[[:space:]]+Label:[[:space:]]+$1[[:space:]]*$"; }

if token_exists "$label"; then
  log "token '$label' already exists in $dir/tokens"
else
  # The slot that holds SoftHSM's free (uninitialised) token.
  free_slot=$(softhsm2-util --show-slots | awk '/^Slot /{slot=$2} /Initialized:[[:space:]]+no/{print slot; exit}')
  [ -n "$free_slot" ] || { log "SoftHSM offers no free slot"; exit 1; }
  KPKI_SO_PIN=$(cat "$dir/so-pin") KPKI_USER_PIN=$(cat "$dir/user-pin") bash -c '
    set -euo pipefail
    pkcs11-tool --module "$1" --slot "$2" --init-token --label "$3" --so-pin env:KPKI_SO_PIN >/dev/null
    pkcs11-tool --module "$1" --token-label "$3" --login --login-type so --so-pin env:KPKI_SO_PIN \
      --init-pin --new-pin env:KPKI_USER_PIN >/dev/null' _ "$module" "$free_slot" "$label"
  log "created token '$label' in $dir/tokens (PINs in $dir/user-pin and $dir/so-pin)"
fi

if [ "$gen_keys" -eq 1 ]; then
  if [ -z "$kpki" ]; then
    if [ -x "$repo/build/cli/kpki" ]; then kpki=$repo/build/cli/kpki
    else kpki=$(command -v kpki || true)
    fi
  fi
  [ -n "$kpki" ] && [ -x "$kpki" ] || {
    log "no kpki: not at ${kpki:-$repo/build/cli/kpki} nor on PATH (build it: hsm-setup/build.sh --tool-only; or install the package; or pass --kpki)"
    exit 1
  }
  for object in kubernetes-ca etcd-ca front-proxy-ca; do
    uri="pkcs11:token=$label;object=$object?pin-source=file:$dir/user-pin&module-path=$module"
    rc=0
    out=$("$kpki" key generate "$uri" --algorithm "$algorithm" 2>&1) || rc=$?
    if [ "$rc" -eq 0 ]; then
      log "generated $algorithm key '$object' on token '$label'"
    elif [ "$rc" -eq 5 ]; then  # AlreadyExists: idempotent re-run
      log "key '$object' already on token '$label'"
    else
      log "$out"; exit "$rc"
    fi
  done
fi

echo "export SOFTHSM2_CONF=$conf"
echo "export KPKI_PKCS11_MODULE=$module"
