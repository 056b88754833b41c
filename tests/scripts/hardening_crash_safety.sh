#!/usr/bin/env bash
# Crash safety: SIGKILL a PKI build at random moments (KPKI_CRASH_ITERATIONS, default 200, per
# scenario); every file left must be whole and valid (parses, matches its key, chains to its CA)
# and a plain re-run must complete the tree. Scenarios: lib/crash_scenarios.py; the harness and
# the checks: lib/crash_harness.py, lib/check_pki_tree.py. KPKI_CRASH_SEED replays a run.
source "$(dirname "$0")/lib/common.sh"
lib=$KPKI_SOURCE_DIR/tests/scripts/lib
export KPKI
for scenario in $(python3 -c "import sys; sys.path.insert(0, '$lib'); import crash_scenarios as s; print(' '.join(s.available('$KPKI')))"); do
  if python3 "$lib/crash_harness.py" "$scenario" "$WORK"; then pass; else fail "$scenario"; fi
done
finish
