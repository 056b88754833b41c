#!/usr/bin/env bash
# Interleaved rounds of `kpki init` and the kubeadm-way Go program on the same cluster (1
# control-plane node + WORKERS workers, the config `kpki bench --cluster` writes), each measured
# with GNU time: wall, user, sys seconds and max RSS. Then a sanity check (not a benchmark) that
# the Go program's tree chains: every certificate verified with openssl against its CA.
#
#   bench/kubeadm-way/compare.sh WORKERS [ecdsa-p256|rsa-2048] [ROUNDS=3]
#   KPKI=path/to/kpki (default: build/cli/kpki of this checkout)
set -euo pipefail
usage="usage: $0 WORKERS [ecdsa-p256|rsa-2048] [ROUNDS]"
workers=${1:?$usage}
algorithm=${2:-ecdsa-p256}
rounds=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
KPKI=${KPKI:-$here/../../build/cli/kpki}
[ -x "$KPKI" ] || { echo "compare.sh: no kpki at $KPKI (set KPKI)" >&2; exit 1; }
command -v go >/dev/null || { echo "compare.sh: go not installed (golang-go)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "compare.sh: GNU time not installed (Debian package time)" >&2; exit 1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/kubeadm-way-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
gw="$scratch/kubeadm-way"
(cd "$here" && GOFLAGS=-mod=mod GOPROXY=off go build -o "$gw" .)
"$gw" -workers "$workers" -algorithm "$algorithm" -write-config "$scratch/cluster.yaml"

# Trees stay until the end (as in `kpki bench --cluster`): inodes freed a moment ago slow the next
# run's allocations on some file systems.
for r in $(seq 1 "$rounds"); do
  /usr/bin/time -f '%e %U %S %M' -o "$scratch/kpki.$r" \
    "$KPKI" init --config "$scratch/cluster.yaml" --dir "$scratch/kpki-$r" >/dev/null
  /usr/bin/time -f '%e %U %S %M' -o "$scratch/go.$r" \
    "$gw" -workers "$workers" -algorithm "$algorithm" -dir "$scratch/go-$r" >/dev/null
done

echo "$workers workers, $algorithm, $rounds interleaved rounds ($(nproc) cores, $(uname -r))"
printf '%-12s %6s %8s %8s %8s %10s\n' tool round wall_s user_s sys_s maxRSS_MB
for tool in kpki go; do
  for r in $(seq 1 "$rounds"); do
    read -r wall user sys rss <"$scratch/$tool.$r"
    printf '%-12s %6s %8s %8s %8s %10.1f\n' "$([ $tool = go ] && echo kubeadm-way || echo kpki)" "$r" \
      "$wall" "$user" "$sys" "$(awk -v kb="$rss" 'BEGIN { print kb / 1024 }')"
  done
done
files() { (cd "$1" && find . -type f ! -path './ledger*' | wc -l); }
echo "files: kpki $(files "$scratch/kpki-1") (beside its ledger), kubeadm-way $(files "$scratch/go-1")"

# Sanity: the Go tree chains. Certificates under etcd/ and apiserver-etcd-client to the etcd CA,
# front-proxy-* to the front-proxy CA, everything else and every kubeconfig's client certificate to
# the cluster CA (the CAs and their copies to themselves).
t="$scratch/go-1"
mapfile -t etcd < <(cd "$t" && find . -path '*/etcd/*.crt' -o -name apiserver-etcd-client.crt)
mapfile -t proxy < <(cd "$t" && find . -name 'front-proxy-*.crt')
mapfile -t kube < <(cd "$t" && find . -name '*.crt' ! -path '*/etcd/*' ! -name 'front-proxy-*' ! -name apiserver-etcd-client.crt)
i=0
while read -r conf; do
  sed -n 's/^ *client-certificate-data: *//p' "$conf" | base64 -d >"$scratch/conf-$i.pem"
  i=$((i + 1))
done < <(find "$t" -name '*.conf')
ok=0
(cd "$t" && printf '%s\0' "${etcd[@]}" | xargs -0 openssl verify -CAfile pki/etcd/ca.crt) >"$scratch/verify" 2>&1 || ok=1
(cd "$t" && printf '%s\0' "${proxy[@]}" | xargs -0 openssl verify -CAfile pki/front-proxy-ca.crt) >>"$scratch/verify" 2>&1 || ok=1
(cd "$t" && printf '%s\0' "${kube[@]}" | xargs -0 openssl verify -CAfile pki/ca.crt) >>"$scratch/verify" 2>&1 || ok=1
find "$scratch" -maxdepth 1 -name 'conf-*.pem' -print0 | xargs -0 openssl verify -CAfile "$t/pki/ca.crt" >>"$scratch/verify" 2>&1 || ok=1
checked=$(grep -c ': OK$' "$scratch/verify" || true)
if [ "$ok" -eq 0 ]; then
  echo "openssl verify: all $checked certificates of the kubeadm-way tree chain to their CAs"
else
  grep -v ': OK$' "$scratch/verify" >&2
  echo "openssl verify: FAILED (see above)" >&2
  exit 1
fi
