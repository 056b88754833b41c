#!/usr/bin/env bash
# `kpki bench --cluster` with the CA keys on a token that takes L ms per signature: a SoftHSM
# token behind the forwarding test module (tests/pkcs11_module, KPKI_TEST_SIGN_DELAY_MS), a
# stand-in for a network HSM's round trip. Measures init of 1 control plane + W workers at 0 ms
# (sessions 16) and at L ms for each --token-sessions N, and prints each against the target:
# (signatures x L / N) + the same tree's time at 0 ms, within 1.5x.
#
#   bench/token-latency.sh [--workers W] [--latency L] [--sessions 1,2,8,16,32] [--rounds R]
#                          [--remote]   (through p11-kit's RPC: p11-kit server + p11-kit-client.so)
set -euo pipefail
workers=100 latency=10 sessions=1,2,8,16,32 rounds=3 remote=no
build=${BUILD:-$(dirname "$0")/../build}
while [[ $# -gt 0 ]]; do
  case $1 in
    --workers) workers=$2; shift 2 ;;
    --latency) latency=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --remote) remote=yes; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
kpki=$(realpath "${KPKI:-$build/cli/kpki}")
fwd=$(realpath "$build/tests/pkcs11_module/libkpki_test_forward.so")
work=$(mktemp -d)
eval "$("$(dirname "$0")/../hsm-setup/make-token.sh" --dir "$work/hsm" --label latency --kpki "$kpki" 2>/dev/null)"
export KPKI_TEST_FORWARD_MODULE=/usr/lib/softhsm/libsofthsm2.so
servers=()
trap 'kill ${servers[@]:-} 2>/dev/null || true; rm -rf "$work"' EXIT
# With --remote, a p11-kit server per latency holds the forwarding module, and kpki loads p11-kit's
# client module; otherwise kpki loads the forwarding module itself.
if [ $remote = yes ]; then
  for delay in 0 "$latency"; do
    KPKI_TEST_SIGN_DELAY_MS=$delay p11-kit server --provider "$fwd" -n "$work/p11kit-$delay.sock" -f \
      "pkcs11:token=latency" >/dev/null 2>&1 &
    servers+=($!)
    for _ in $(seq 50); do [ -S "$work/p11kit-$delay.sock" ] && break; sleep 0.1; done
  done
fi
token_uri() {
  local module=$fwd
  [ $remote = yes ] && module=/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so
  echo "pkcs11:token=latency?pin-source=file:$work/hsm/user-pin&module-path=$module"
}
run() {  # run DELAY SESSIONS: the bench's JSON points
  local uri; uri=$(token_uri "$1")
  [ $remote = yes ] && export P11_KIT_SERVER_ADDRESS=unix:path=$work/p11kit-$1.sock
  KPKI_TEST_SIGN_DELAY_MS=$1 "$kpki" bench --cluster "$workers" --rounds "$rounds" --no-cfssl \
    --pkcs11-uri "$uri" --token-sessions "$2" -o json
}
base=$(run 0 16 | python3 -c 'import json,sys; print(json.load(sys.stdin)["points"][0]["best_seconds"])')
run "$latency" "$sessions" >"$work/points.json"
python3 -c '
import json, sys
base, latency = float(sys.argv[1]), float(sys.argv[2])
points = json.load(open(sys.argv[3]))["points"]
print("| N | certificates | best s | median s | target s | within 1.5x |")
print("|--:|--:|--:|--:|--:|:-:|")
for p in points:
    target = p["certificates"] * latency / 1000 / p["tokenSessions"] + base
    ok = "yes" if p["best_seconds"] <= 1.5 * target else "no"
    n, certs, best, median = p["tokenSessions"], p["certificates"], p["best_seconds"], p["median_seconds"]
    print(f"| {n} | {certs} | {best:.3f} | {median:.3f} | {target:.3f} | {ok} |")
print(f"\n0 ms (16 sessions): {base:.3f} s")
' "$base" "$latency" "$work/points.json"
