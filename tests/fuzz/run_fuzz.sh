#!/usr/bin/env bash
# run_fuzz.sh TARGET SEEDS FOUND SECONDS: runs one libFuzzer target for a bounded time, seeded
# from the committed corpus, and prints its execution count. Fails on any crash, leak, sanitizer
# report or violated property (libFuzzer then exits non-zero and leaves crash-* in FOUND).
set -euo pipefail
target=$(realpath "$1") seeds=$(realpath "$2") found=$3 seconds=$4
mkdir -p "$found"
found=$(realpath "$found")
log=$found.log
cd "$found"  # crash-*, leak-* and timeout-* files land here
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rc=0
# -rss_limit_mb: the inputs are small; a blow-up in memory is a finding, not a host problem.
# The outer timeout: libFuzzer can hang while reporting an out-of-memory input.
timeout --signal=KILL $((seconds * 3 + 60)) "$target" -max_total_time="$seconds" -rss_limit_mb=1024 -max_len=65536 -timeout=10 \
  -print_final_stats=1 "$found" "$seeds" >"$log" 2>&1 || rc=$?
runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
echo "$(basename "$target"): $runs executions in ${seconds}s, exit $rc"
if [ "$rc" -ne 0 ]; then
  tail -n 60 "$log"
  exit 1
fi
