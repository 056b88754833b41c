#!/usr/bin/env bash
# Output for big runs (issue 23, docs/plan.md "Big trees"): init's text output lists every file up
# to 20 nodes and beyond that prints a summary (per-node counts, nodes with the same counts on
# one line, the first problems); -o wide lists every file, -o summary summarises any plan, and
# -o json keeps every file. The same for a refused run (mismatches) and for ca rotate.
source "$(dirname "$0")/lib/common.sh"
cd "$WORK"
cluster() {  # cluster WORKERS [FIRST-OCTET]: a 1 control-plane + WORKERS cluster config
  echo "apiVersion: kpki/v1alpha1"; echo "kind: ClusterPKI"; echo "encryptionAlgorithm: ECDSA-P256"
  echo "nodes:"; echo "  - {name: cp1, address: 127.0.0.1, role: control-plane}"
  for i in $(seq 1 "$1"); do echo "  - {name: w$i, address: 10.0.${2:-1}.$i, role: worker}"; done
}
cluster 2 >small.yaml
cluster 25 >big.yaml

# Small: every file, as before.
"$KPKI" init --config small.yaml --dir small --dry-run >small.txt
expect_ok "small tree: one line per file" test "$(grep -c '^would create' small.txt)" = \
  "$("$KPKI" init --config small.yaml --dir small --dry-run -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["files"]))')"
expect_ok "small tree: no summary" sh -c "! grep -q 'a summary of' small.txt"
"$KPKI" init --config small.yaml --dir small -o summary >summary.txt
expect_ok "-o summary on a small tree" grep -qx "w1, w2: 5 created, 0 replaced, 0 kept, 0 mismatching each" summary.txt

# Big: a summary, the counts right, far fewer lines.
"$KPKI" init --config big.yaml --dir big --dry-run >big.txt
expect_ok "big tree: summarised" grep -q "^(a summary of 26 nodes and 152 files; -o wide lists every file" big.txt
expect_ok "big tree: the workers on one line" grep -qx "25 nodes (w1, w2, w3, ...): 5 created, 0 replaced, 0 kept, 0 mismatching each" big.txt
expect_ok "big tree: the control plane" grep -qx "cp1: 23 created, 0 replaced, 0 kept, 0 mismatching" big.txt
expect_ok "big tree: the CA keys" test "$(grep -c '^would generate key' big.txt)" = 3
expect_ok "big tree: the totals" grep -qx "plan: 152 created, 0 replaced, 0 kept, 0 mismatching" big.txt
expect_ok "big tree: under 15 lines" test "$(wc -l <big.txt)" -lt 15
"$KPKI" init --config big.yaml --dir big --dry-run -o wide >wide.txt
expect_ok "-o wide: every file" test "$(grep -c '^would create' wide.txt)" = 152
"$KPKI" init --config big.yaml --dir big --dry-run -o json >big.json
expect_ok "-o json: every file" python3 -c 'import json; assert len(json.load(open("big.json"))["files"]) == 152'
expect_ok "init of the big tree" sh -c "'$KPKI' init --config big.yaml --dir big >run.txt"
expect_ok "the run is summarised too" grep -qx "152 created, 0 replaced, 0 kept, 0 mismatching" run.txt

# A refused run: the first problems are shown, with what differs.
sed -i 's/10.0.1.7,/10.0.9.7,/; s/10.0.1.9,/10.0.9.9,/' big.yaml
rc=0; "$KPKI" init --config big.yaml --dir big >refused.txt 2>err.txt || rc=$?
expect_ok "refused: exit 5" test "$rc" = 5
expect_ok "refused: the nodes in trouble apart" grep -qx "w7, w9: 0 created, 0 replaced, 4 kept, 1 mismatching each" refused.txt
expect_ok "refused: the first problems" grep -q "^first 2 of 2 problem(s)" refused.txt
expect_ok "refused: what differs" grep -q "^MISMATCH *nodes/w9/kubelet/kubelet.crt  SANs are \[DNS:w9, IP:10.0.1.9\], config wants \[DNS:w9, IP:10.0.9.9\]" refused.txt
expect_ok "refused: the error on stderr" grep -q "2 file(s) no longer match" err.txt

# ca rotate and certs renew take the same output formats.
expect_ok "rotate: -o wide" sh -c "'$KPKI' ca rotate --help | grep -q 'text,wide,summary,json,yaml'"
expect_ok "renew: -o wide" sh -c "'$KPKI' certs renew --help | grep -q 'text,wide,summary,json,yaml'"
expect_error "an unknown format" "output" "$KPKI" init --config big.yaml --dir big -o table
finish
