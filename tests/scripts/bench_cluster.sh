#!/usr/bin/env bash
# `kpki bench --cluster`: the whole-tree benchmark runs `kpki init` for each size and reports the
# cost per certificate, the crypto cost, cfssl's and (when go is installed) the kubeadm-way Go
# program's, run interleaved with kpki. Checks the report's shape (never timings):
# every field present and positive, one point per size, the certificate count of the tree, the
# table's columns, and the plot when gnuplot is installed. (camelCase keys, issue 23.)
source "$(dirname "$0")/lib/common.sh"

if "$KPKI" bench --cluster 10 --rounds 2 --output json >"$WORK/report.json" 2>"$WORK/err"; then
  pass
else
  fail "bench --cluster 10 --output json: $(cat "$WORK/err")"
fi
if out=$(python3 - "$WORK/report.json" 2>&1 <<'PY'
import json, shutil, sys
r = json.load(open(sys.argv[1]))
assert r["apiVersion"] == "output.kpki.io/v1alpha1" and r["kind"] == "ClusterBenchReport", r
for key in ("date", "host", "versions", "algorithm", "rounds", "threads", "crypto", "points", "cfssl"):
    assert key in r, f"no '{key}'"
assert r["algorithm"] == "ecdsa-p256" and r["rounds"] == 2, (r["algorithm"], r["rounds"])
for key in ("keygenUs", "signUs", "verifyUs", "msPerCertificate"):
    assert r["crypto"][key] > 0, f"crypto.{key} = {r['crypto'][key]}"
assert len(r["points"]) == 1, r["points"]
p = r["points"][0]
# 3 CAs, 14 leaves on the control-plane node, 3 per worker (kubelet, kubelet.conf, kube-proxy.conf).
assert p["workers"] == 10 and p["certificates"] == 3 + 14 + 3 * 10, p
for key in ("bestSeconds", "medianSeconds", "cpuSeconds", "msPerCertificate",
            "medianMsPerCertificate", "cpuMsPerCertificate", "peakRssKb", "timesCrypto"):
    assert p[key] > 0, f"points[0].{key} = {p[key]}"
assert p["bestSeconds"] <= p["medianSeconds"], p
if shutil.which("cfssl"):
    assert r["cfssl"]["certificates"] > 0 and r["cfssl"]["msPerCertificate"] > 0, r["cfssl"]
    assert p["timesFasterThanCfssl"] > 0, p
else:
    assert r["cfssl"]["note"], r["cfssl"]
PY
); then pass; else fail "report shape: $out"; fi

# The table, without cfssl, and the plot.
plot=()
command -v gnuplot >/dev/null && plot=(--plot "$WORK/cluster.svg")
if "$KPKI" bench --cluster 0,2 --rounds 1 --no-cfssl --no-kubeadm-way "${plot[@]}" >"$WORK/table.txt" 2>"$WORK/err"; then
  pass
else
  fail "bench --cluster 0,2 --no-cfssl --no-kubeadm-way: $(cat "$WORK/err")"
fi
grep -q "workers  certs" "$WORK/table.txt" && pass || fail "no table header: $(cat "$WORK/table.txt")"
[ "$(grep -cE '^ +[02] +[0-9]+ ' "$WORK/table.txt")" = 2 ] && pass || fail "expected rows for 0 and 2 workers: $(cat "$WORK/table.txt")"
grep -q "^crypto per certificate" "$WORK/table.txt" && pass || fail "no crypto line"
grep -q "^cfssl:" "$WORK/table.txt" && fail "cfssl measured despite --no-cfssl" || pass
grep -q "kpki/Go wall" "$WORK/table.txt" && pass || fail "no kpki/Go column: $(cat "$WORK/table.txt")"
grep -q "^kubeadm-way.*--no-kubeadm-way" "$WORK/table.txt" && pass || fail "kubeadm-way measured despite --no-kubeadm-way"
if [ ${#plot[@]} -gt 0 ]; then
  grep -q "<svg" "$WORK/cluster.svg" && pass || fail "no SVG plot written"
fi

expect_error "--cluster with a word" "--cluster 'ten'" "$KPKI" bench --cluster ten
finish
