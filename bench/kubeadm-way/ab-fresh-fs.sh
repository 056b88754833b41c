#!/usr/bin/env bash
# Interleaved rounds of two kpki builds (before, after) and the kubeadm-way Go program, each round
# on a file system of its own: a new ext4 on a loop device, so that no round inherits the inodes an
# earlier one freed (on this project's VM, runs after a large deletion spend several times the
# system time: docs/backends.md, "Third pass"). GNU time per run: wall, user, sys seconds, max RSS.
#
#   sudo bench/kubeadm-way/ab-fresh-fs.sh BEFORE-KPKI AFTER-KPKI WORKERS [ROUNDS=5] [ecdsa-p256|rsa-2048]
#
# Needs root (mount), mkfs.ext4, go and GNU time. The image (sparse, 8 GB: three 5,000-worker trees
# fit) lives in TMPDIR and is removed at the end.
set -euo pipefail
usage="usage: $0 BEFORE-KPKI AFTER-KPKI WORKERS [ROUNDS] [ALGORITHM]"
before=${1:?$usage}
after=${2:?$usage}
workers=${3:?$usage}
rounds=${4:-5}
algorithm=${5:-ecdsa-p256}
for tool in "$before" "$after"; do
  [ -x "$tool" ] || { echo "ab-fresh-fs.sh: no kpki at $tool" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "ab-fresh-fs.sh: needs root (it mounts a loop device)" >&2; exit 1; }
for need in mkfs.ext4 go /usr/bin/time; do
  command -v "$need" >/dev/null || { echo "ab-fresh-fs.sh: $need not installed" >&2; exit 1; }
done

here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ab-fresh-fs-XXXXXX")
mnt="$scratch/mnt"
mkdir "$mnt"
cleanup() {
  mountpoint -q "$mnt" && umount "$mnt"
  rm -rf "$scratch"
}
trap cleanup EXIT
(cd "$here" && GOFLAGS=-mod=mod GOPROXY=off go build -o "$scratch/kubeadm-way" .)
"$scratch/kubeadm-way" -workers "$workers" -algorithm "$algorithm" -write-config "$scratch/cluster.yaml"

echo "$workers workers, $algorithm, $rounds rounds, a fresh ext4 each ($(nproc) cores, $(uname -r))"
printf '%-8s %6s %8s %8s %8s %10s\n' tool round wall_s user_s sys_s maxRSS_MB
for r in $(seq 1 "$rounds"); do
  mountpoint -q "$mnt" && umount "$mnt"
  rm -f "$scratch/fs.img"
  truncate -s 8G "$scratch/fs.img"
  mkfs.ext4 -q -F "$scratch/fs.img"
  mount -o loop "$scratch/fs.img" "$mnt"
  for tool in before after go; do
    case $tool in
      before) run=("$before" init --config "$scratch/cluster.yaml" --dir "$mnt/$tool") ;;
      after) run=("$after" init --config "$scratch/cluster.yaml" --dir "$mnt/$tool") ;;
      go) run=("$scratch/kubeadm-way" -workers "$workers" -algorithm "$algorithm" -dir "$mnt/$tool") ;;
    esac
    sync
    sleep 1
    /usr/bin/time -f '%e %U %S %M' -o "$scratch/time" "${run[@]}" >/dev/null
    read -r wall user sys rss <"$scratch/time"
    printf '%-8s %6s %8s %8s %8s %10.1f\n' "$tool" "$r" "$wall" "$user" "$sys" \
      "$(awk -v kb="$rss" 'BEGIN { print kb / 1024 }')"
  done
done
