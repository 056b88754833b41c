# Shared helpers for kpki's shell tests (sourced, not run: it has no test of its own).
set -euo pipefail
KPKI=$(realpath "${KPKI:?KPKI must point at the kpki binary}")
KPKI_SOURCE_DIR=${KPKI_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kpki-sh-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*" >&2; }

# expect_ok DESCRIPTION CMD...: the command must exit 0.
expect_ok() {
  local what=$1; shift
  local out
  if out=$("$@" 2>&1); then pass; else fail "$what (exit $?): $out"; fi
}

# expect_error DESCRIPTION PATTERN CMD...: non-zero exit, exactly one line of error output that
# matches PATTERN (grep -E).
expect_error() {
  local what=$1 pattern=$2; shift 2
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  if [ "$rc" -eq 0 ]; then fail "$what: expected failure, got exit 0: $out"; return; fi
  local lines
  lines=$(printf '%s\n' "$out" | grep -c . || true)
  if [ "$lines" -ne 1 ]; then fail "$what: expected one line of error, got $lines: $out"; return; fi
  if ! printf '%s' "$out" | grep -qE -- "$pattern"; then fail "$what: error '$out' does not match /$pattern/"; return; fi
  pass
}

# cluster_yaml [WORKERS [KEY_URI]]: a ClusterPKI config on stdout: ECDSA-P256, control plane cp1
# at 127.0.0.1, workers w1..wWORKERS (default 1) at 10.0.0.21 on. With KEY_URI, a command that
# prints the key URI of an object (kubernetes-ca, etcd-ca, front-proxy-ca), caKeys for the three
# CAs.
cluster_yaml() {
  local workers=${1:-1} key=${2:-} i
  printf '%s\n' "apiVersion: kpki/v1alpha1" "kind: ClusterPKI" "controlPlaneEndpoint: 127.0.0.1:6443" \
    "encryptionAlgorithm: ECDSA-P256" "nodes:" "  - {name: cp1, address: 127.0.0.1, role: control-plane}"
  for ((i = 1; i <= workers; i++)); do echo "  - {name: w$i, address: 10.0.0.$((20 + i)), role: worker}"; done
  [ -n "$key" ] || return 0
  printf 'caKeys:\n  ca: "%s"\n  etcd-ca: "%s"\n  front-proxy-ca: "%s"\n' \
    "$($key kubernetes-ca)" "$($key etcd-ca)" "$($key front-proxy-ca)"
}

# finish: prints the plain summary line ctest shows and sets the exit status.
finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
