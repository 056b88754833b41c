# Helpers shared by the kube_*.sh tests (sourced; lives outside scripts/*.sh so ctest does not run it).
# Every daemon runs in its own process group (setsid) and is killed, group and all, on exit.

KUBE_PGIDS=()
KUBE_WORK=""

kube_cleanup() {
  local pgid
  for pgid in "${KUBE_PGIDS[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
  for pgid in "${KUBE_PGIDS[@]}"; do
    for _ in $(seq 50); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  done
  if [ -n "$KUBE_WORK" ] && [ -z "${KEEP_WORK:-}" ]; then rm -rf "$KUBE_WORK"; fi
}

kube_setup() {
  KUBE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/kpki-kube.XXXXXX")
  trap kube_cleanup EXIT
  trap 'exit 130' INT TERM
}

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# start_daemon LOG CMD...: runs CMD in a new session (its own process group), output to LOG.
start_daemon() {
  local log=$1; shift
  setsid "$@" >"$log" 2>&1 < /dev/null &
  KUBE_PGIDS+=("$!")
}

# wait_for SECONDS DESCRIPTION CMD...: retries CMD until it succeeds or time runs out.
wait_for() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${seconds}s waiting for $what"
    sleep 0.3
  done
}
