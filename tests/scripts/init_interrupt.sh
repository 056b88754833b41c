#!/usr/bin/env bash
# Issue 19, Ctrl-C during init: SIGINT in the middle of `kpki init` of a 300-worker RSA tree (sent
# once the first group of leaves is on disk, not after a fixed time) ends the run like an error:
# exit 130, one line saying what became of the run, nothing left under OUT but the ledger, and
# the ledger consistent (nothing incomplete, nothing released: what was signed is abandoned). A
# re-run with the config switched to ECDSA-P256 then makes ECDSA CAs; and on a tree whose CAs
# are RSA, that switch is a MISMATCH in the plan (dry run and real run), not kept silently.
source "$(dirname "$0")/lib/common.sh"
command -v openssl >/dev/null || { echo "openssl not found"; exit 77; }
cd "$WORK"

config() {  # config ALGORITHM WORKERS
  printf 'apiVersion: kpki/v1alpha1\nkind: ClusterPKI\ncontrolPlaneEndpoint: 127.0.0.1:6443\n'
  printf 'encryptionAlgorithm: %s\nnodes:\n  - {name: cp1, address: 127.0.0.1}\n' "$1"
  for i in $(seq 1 "$2"); do
    printf '  - {name: w%d, address: 10.0.%d.%d, role: worker}\n' "$i" $((i / 250)) $((i % 250 + 1))
  done
}
config RSA-2048 300 >rsa.yaml
config ECDSA-P256 300 >ec.yaml
states() {  # "released incomplete abandoned" counts of the ledger
  "$KPKI" ledger list --ledger "$1" -o json | python3 -c '
import json, sys
records = json.load(sys.stdin)["items"]
print(*[sum(r["state"] == s for r in records) for s in ("released", "incomplete", "abandoned")])'
}

# Started with SIGINT at its default action, as from an interactive shell (a background job of
# a script inherits it ignored).
python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
  "$KPKI" init --config rsa.yaml --dir out >run.out 2>run.err &
pid=$!
while kill -0 "$pid" 2>/dev/null && [ ! -e out/nodes/cp1/pki/apiserver.crt ]; do sleep 0.05; done
if ! kill -INT "$pid" 2>/dev/null; then
  echo "init ended before the first leaves were written: nothing to interrupt"
  exit 77
fi
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 130 ] && pass || fail "init after SIGINT: exit $rc, expected 130"
[ "$(grep -c . run.err)" -eq 1 ] && pass || fail "stderr is not one line: $(head -c 2000 run.err)"
grep -qE "^kpki: error: interrupted by SIGINT: the files and directories this run created were removed" run.err &&
  pass || fail "stderr does not say what became of the run: $(head -c 2000 run.err)"
# The ledger stays (it holds the abandoned records), and so does the state that binds the tree to it.
left=$(cd out 2>/dev/null && find . -mindepth 1 ! -name 'ledger.db*' ! -name ledger-state.json | sed -n 1,5p) || true
[ -z "$left" ] && pass || fail "the interrupted run left files: $left ($(find out | wc -l) entries)"
read -r released incomplete abandoned <<<"$(states out/ledger.db)"
[ "$incomplete" -eq 0 ] && pass || fail "$incomplete record(s) left incomplete"
[ "$released" -eq 0 ] && pass || fail "$released record(s) released for files that were removed"
[ "$abandoned" -gt 0 ] && pass || fail "no record of what the run signed"

# The same tree in ECDSA-P256 after all: nothing of the RSA run is in the way.
expect_ok "init with the ECDSA config" "$KPKI" init --config ec.yaml --dir out
openssl x509 -in out/pki/ca.crt -noout -text | grep -q "id-ecPublicKey" && pass ||
  fail "the re-run kept an RSA CA"
read -r released incomplete abandoned <<<"$(states out/ledger.db)"
[ "$incomplete" -eq 0 ] && pass || fail "$incomplete record(s) incomplete after the re-run"

# An RSA tree (completed) whose config then says ECDSA-P256: each CA is a MISMATCH.
config RSA-2048 0 >small-rsa.yaml
config ECDSA-P256 0 >small-ec.yaml
expect_ok "small RSA tree" "$KPKI" init --config small-rsa.yaml --dir small
dry=$("$KPKI" init --config small-ec.yaml --dir small --dry-run)
for ca in pki/ca.crt pki/etcd/ca.crt pki/front-proxy-ca.crt; do
  printf '%s\n' "$dry" | grep -qE "^MISMATCH +$ca  key .* is rsa-2048, config wants ecdsa-p256" && pass ||
    fail "dry run does not show $ca as a mismatch: $(printf '%s\n' "$dry" | grep -m3 MISMATCH)"
done
rc=0
"$KPKI" init --config small-ec.yaml --dir small --force >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 5 ] && pass || fail "init --force with RSA CAs and an ECDSA config: exit $rc, expected 5"

finish
