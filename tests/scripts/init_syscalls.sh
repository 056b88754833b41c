#!/usr/bin/env bash
# The system calls of `kpki init` for 1 control-plane node + 20 workers, counted with strace -c
# (issue 24): counts, not times. Every file is still written to a temporary (or into a new
# directory's hidden stand-in), made durable and moved into place without clobbering anything, but
# in one rename each (renameat2 RENAME_NOREPLACE, not link + unlink; one for a new directory), with no write-back started file by file (the group's syncfs does it), no mkdir
# of a directory the run has made already and no look for files in directories that are not there.
source "$(dirname "$0")/lib/common.sh"
command -v strace >/dev/null || { echo "strace not installed: skipped"; exit 77; }
strace -f -o /dev/null true 2>/dev/null || { echo "ptrace not permitted: skipped"; exit 77; }

python3 - "$WORK/cluster.yaml" <<'PY'
import sys
nodes = ["  - {name: cp1, address: 10.0.0.1, role: control-plane}"]
nodes += [f"  - {{name: w{i}, address: 10.1.0.{i + 1}, role: worker}}" for i in range(20)]
open(sys.argv[1], "w").write("apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nclusterName: kubernetes\n"
                             "encryptionAlgorithm: ecdsa-p256\nnodes:\n" + "\n".join(nodes) + "\n")
PY
# LeakSanitizer cannot run under ptrace; in the ASan build it must be off for this run (no effect otherwise).
expect_ok "init under strace" env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -c -o "$WORK/calls" "$KPKI" init --config "$WORK/cluster.yaml" --dir "$WORK/out"
files=$(find "$WORK/out" -type f | wc -l)
dirs=$(find "$WORK/out" -type d | wc -l)
# strace -c: "% time seconds usecs/call calls [errors] syscall"; 0 when not called.
calls() { awk -v name="$1" '$NF == name { print $4; found = 1 } END { if (!found) print 0 }' "$WORK/calls"; }
[ "$files" -gt 150 ] && pass || fail "expected a tree of over 150 files, got $files"
# A new node's files are written in a hidden directory renamed into place whole: a rename a
# directory, not a file (a node has about seven files).
[ "$(calls renameat2)" -ge 1 ] && [ "$(calls renameat2)" -le $((files / 4)) ] && pass ||
  fail "renameat2: $(calls renameat2) for $files files"
[ "$(calls link)" -eq 0 ] && pass || fail "link called $(calls link) times (a rename each is enough)"
[ "$(calls unlink)" -le 5 ] && pass || fail "unlink called $(calls unlink) times for $files files"
[ "$(calls sync_file_range)" -eq 0 ] && pass || fail "sync_file_range called $(calls sync_file_range) times"
[ "$(calls mkdir)" -le $((dirs * 3 / 2)) ] && pass || fail "mkdir called $(calls mkdir) times for $dirs directories"
# stat calls on the tree's own paths (a second run, traced): the dynamic loader's fstat of each
# library it maps is not the tree's, and differs between builds (ASan maps more).
expect_ok "init under strace -e newfstatat" env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  strace -f -e trace=newfstatat -o "$WORK/stats" "$KPKI" init --config "$WORK/cluster.yaml" --dir "$WORK/out2"
tree_stats=$(grep -c "\"$WORK/out2" "$WORK/stats" || true)
[ "$tree_stats" -gt 0 ] && [ "$tree_stats" -le $((files * 3)) ] && pass ||
  fail "newfstatat called $tree_stats times on the tree's paths for $files files"
[ "$(calls getcwd)" -le 10 ] && pass || fail "getcwd called $(calls getcwd) times"
# Still all there and whole: every key matches its certificate.
for node in cp1 w7; do
  crt=$WORK/out/nodes/$node/kubelet/kubelet.crt
  [ "$(openssl x509 -in "$crt" -noout -pubkey)" = "$(openssl pkey -in "${crt%.crt}.key" -pubout)" ] &&
    pass || fail "$node kubelet key does not match its certificate"
done
[ -z "$(find "$WORK/out" -name '*.tmp')" ] && pass || fail "temporary files left: $(find "$WORK/out" -name '*.tmp')"
finish
