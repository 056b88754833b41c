#!/usr/bin/env bash
# Several signers, one ledger: 8 kpki processes issue at once (KPKI_LEDGER_ROUNDS certificates
# each, default 10) against one SQLite file, then against one PostgreSQL database (a real server
# on a Unix socket, lib/postgres.sh). Every process succeeds (no "database is locked"), every
# certificate has exactly one released record, no serial appears twice.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/postgres.sh"
cd "$WORK"
unset KPKI_LEDGER
ROUNDS=${KPKI_LEDGER_ROUNDS:-10}
WORKERS=8

"$KPKI" ca create --key ca.key --cn concurrent-ca --out ca.crt --ledger ca-only.db 2>/dev/null

# run_signers LEDGER TAG: 8 workers x ROUNDS issues; then the checks.
run_signers() {
  local ledger=$1 tag=$2 pids=() w
  for w in $(seq 1 $WORKERS); do
    (
      for i in $(seq 1 "$ROUNDS"); do
        "$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile client --cn "$tag-$w-$i" \
          --key "$tag-$w-$i.key" --out "$tag-$w-$i.crt" --ledger "$ledger" 2>>"$tag-$w.err" ||
          echo "exit $? on $tag-$w-$i" >>"$tag-$w.err"
      done
    ) &
    pids+=($!)
  done
  wait "${pids[@]}"
  local errors
  errors=$(cat "$tag"-*.err | grep -v '^generated\|^wrote' || true)
  if [ -z "$errors" ]; then pass; else fail "$tag: signers failed: $(head -5 <<<"$errors")"; fi
  if grep -qi "locked\|busy" "$tag"-*.err; then fail "$tag: database is locked/busy seen"; else pass; fi
  "$KPKI" ledger list --ledger "$ledger" -o json >"$tag.json"
  ls "$tag"-*.crt | while read -r f; do openssl x509 -in "$f" -noout -serial | cut -d= -f2; done |
    sort >"$tag.files"
  python3 - "$tag" $((WORKERS * ROUNDS)) <<'PY' && pass || fail "$tag: ledger and files disagree"
import json, sys
tag, expected = sys.argv[1], int(sys.argv[2])
records = [r for r in json.load(open(tag + ".json"))["items"] if r["subject"].startswith("CN=" + tag + "-")]
serials = [r["serial"] for r in records]
files = open(tag + ".files").read().split()
assert len(files) == expected, f"{len(files)} files, expected {expected}"
assert len(records) == expected, f"{len(records)} records, expected {expected}"
assert len(set(serials)) == len(serials), "a serial is recorded twice"
assert sorted(serials) == sorted(files), "records and files name different serials"
bad = [r for r in records if r["state"] != "released"]
assert not bad, f"{len(bad)} records not released"
print(f"{tag}: {len(records)} records, {len(set(serials))} distinct serials, all released")
PY
}

run_signers "$WORK/shared.db" sqlite
pg_start
run_signers "$PG_URI" pg
finish
