#!/usr/bin/env bash
# kill -9 at random moments during `kpki ca create`/`kpki issue` runs and during `kpki init`
# (KPKI_LEDGER_CRASH_ITERATIONS each, default 30): no certificate file without a record, the
# ledger reconciles to the truth, and a re-run leaves files and ledger in exact agreement
# (lib/ledger_crash.py; the builds are lib/crash_scenarios.py's). KPKI_CRASH_SEED replays a run.
source "$(dirname "$0")/lib/common.sh"
lib=$KPKI_SOURCE_DIR/tests/scripts/lib
export KPKI
for scenario in verbs init; do
  if python3 "$lib/ledger_crash.py" "$scenario" "$WORK"; then pass; else fail "$scenario"; fi
done
finish
