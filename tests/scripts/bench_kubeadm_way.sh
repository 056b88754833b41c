#!/usr/bin/env bash
# bench/kubeadm-way, the Go standard-library anchor of kpki's cluster benchmark: built here, run for
# 1 control-plane node + 3 workers (P-256 and RSA-2048), its tree checked with openssl (every
# certificate verifies against its CA, every kubeconfig's client certificate against the CA it
# embeds, keys match certificates, keys and kubeconfigs 0600) and against `kpki init` on the same
# config: the same file list, and the same subject, SANs, extended key usage and CA flag in every
# certificate. Skipped (77) without `go` (Debian golang-go).
source "$(dirname "$0")/lib/common.sh"
command -v go >/dev/null || { echo "SKIP: go not installed (golang-go)"; exit 77; }
command -v openssl >/dev/null || { echo "SKIP: openssl not installed"; exit 77; }

SRC="$KPKI_SOURCE_DIR/bench/kubeadm-way"
GW="$WORK/kubeadm-way"
# No module downloads: the module has no requirements, the proxy is off.
if out=$(cd "$SRC" && GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$WORK/gocache" go build -o "$GW" . 2>&1); then
  pass
else
  fail "go build: $out"; finish; exit 1
fi

# Files of a tree, one relative path a line, sorted.
tree_files() { (cd "$1" && find . -type f | sed 's|^\./||' | LC_ALL=C sort); }

# The CA a certificate of the tree must verify against, by its path (kubeadm's layout).
ca_of() {
  case "$1" in
    *pki/etcd/ca.crt | */apiserver-etcd-client.crt | */etcd/*.crt) echo pki/etcd/ca.crt ;;
    *pki/front-proxy-ca.crt | */front-proxy-client.crt) echo pki/front-proxy-ca.crt ;;
    *) echo pki/ca.crt ;;
  esac
}

# certs TREE DIR: every certificate of TREE as a PEM file under DIR (a kubeconfig's client
# certificate with its key and embedded CA beside it), listed in DIR/list as "pem-file rel".
certs() {
  local tree=$1 dir=$2 rel i=0
  mkdir -p "$dir"
  : >"$dir/list"
  while read -r rel; do
    i=$((i + 1))
    case "$rel" in
      *.crt) cp "$tree/$rel" "$dir/$i.pem" ;;
      *.conf)
        # kpki double-quotes the values, kubeadm (and the Go program) does not.
        field() { sed -n "s/^ *$1: *\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$tree/$rel" | base64 -d; }
        field client-certificate-data >"$dir/$i.pem"
        field client-key-data >"$dir/$i.key"
        field certificate-authority-data >"$dir/$i.ca" ;;
      *) continue ;;
    esac
    echo "$i.pem $rel" >>"$dir/list"
  done < <(tree_files "$tree")
}

# One line per certificate (path, subject, SANs as a set, EKU, CA flag), from one openssl and one
# python run (each process start counts on a loaded machine).
describe() {
  local dir=$1
  cut -d' ' -f1 "$dir/list" | (cd "$dir" && xargs cat) >"$dir/all.pem"
  openssl crl2pkcs7 -nocrl -certfile "$dir/all.pem" | openssl pkcs7 -print_certs -text -noout |
    python3 -c '
import sys
names = [l.split()[1] for l in open(sys.argv[1])]
certs, cur, section = [], None, None
for line in sys.stdin:
    l = line.strip()
    if line.startswith("Certificate:"):
        cur = {"subject": "", "san": [], "eku": [], "ca": "-"}; certs.append(cur); section = None; continue
    if l.startswith("Subject:"): cur["subject"] = l; continue
    if l.startswith("X509v3 Subject Alternative Name"): section = "san"; continue
    if l.startswith("X509v3 Extended Key Usage"): section = "eku"; continue
    if l.startswith("X509v3 Basic Constraints"): section = "ca"; continue
    if section in ("san", "eku"): cur[section] = sorted(x.strip() for x in l.split(","))
    elif section == "ca": cur["ca"] = l.split(",")[0]
    section = None
assert len(certs) == len(names), (len(certs), len(names))
for name, c in zip(names, certs):
    print(name, c["subject"], "SAN=" + ",".join(c["san"]), "EKU=" + ",".join(c["eku"]), c["ca"])
' "$dir/list"
}

check_tree() {
  local algo=$1 kpki_algo=$2 T="$WORK/go-$1" K="$WORK/kpki-$1"
  expect_ok "kubeadm-way -algorithm $algo" "$GW" -workers 3 -algorithm "$algo" -dir "$T" -write-config "$WORK/$algo.yaml"
  grep -q "encryptionAlgorithm: $kpki_algo" "$WORK/$algo.yaml" && pass || fail "$algo: config says $(grep encryption "$WORK/$algo.yaml")"
  expect_ok "kpki init ($algo)" "$KPKI" init --config "$WORK/$algo.yaml" --dir "$K"

  # The same files, but for kpki's ledger beside the tree (OUT/ledger.db and its state file, and
  # SQLite's -wal/-shm should they outlive the run) and its record of the tree's Kubernetes
  # version (kpki-tree.json), which the Go program has no counterpart of.
  tree_files "$T" >"$WORK/go-$algo.list"
  tree_files "$K" | grep -Ev '^(ledger(\.db(-wal|-shm|-journal)?|-state\.json)|kpki-tree\.json)$' >"$WORK/kpki-$algo.list" || true
  if diff "$WORK/kpki-$algo.list" "$WORK/go-$algo.list" >"$WORK/diff" 2>&1; then pass; else fail "$algo: file lists differ (< kpki, > go): $(cat "$WORK/diff")"; fi
  # 1 + 3 nodes: 3 CAs + sa.key at the top, 31 files on cp1, 6 per worker.
  [ "$(wc -l <"$WORK/go-$algo.list")" -eq $((7 + 31 + 3 * 6)) ] && pass || fail "$algo: $(wc -l <"$WORK/go-$algo.list") files"

  # Every certificate verifies against its CA (one openssl run per CA); every kubeconfig's against
  # the CA it embeds, which is the cluster CA; every key matches its certificate.
  certs "$T" "$WORK/go-$algo.c"
  local c="$WORK/go-$algo.c" n pem rel bad="" ca
  n=$(wc -l <"$c/list")
  for ca in pki/ca.crt pki/etcd/ca.crt pki/front-proxy-ca.crt; do
    : >"$c/for-ca"
    while read -r pem rel; do [ "$(ca_of "$rel")" = "$ca" ] && echo "$pem" >>"$c/for-ca"; done <"$c/list"
    local want got
    want=$(wc -l <"$c/for-ca")
    got=$(cd "$c" && xargs openssl verify -CAfile "$T/$ca" <for-ca 2>/dev/null | grep -c ': OK$' || true)
    [ "$want" -gt 0 ] && [ "$got" -eq "$want" ] || bad+=" $got/$want verify against $ca"
  done
  while read -r pem rel; do
    local key="$T/${rel%.crt}.key"
    case "$rel" in
      *.conf)
        key="$c/${pem%.pem}.key"
        cmp -s "$c/${pem%.pem}.ca" "$T/pki/ca.crt" || bad+=" $rel(embedded CA)" ;;
    esac
    [ -f "$key" ] || continue
    [ "$(openssl x509 -noout -pubkey -in "$c/$pem")" = "$(openssl pkey -in "$key" -pubout 2>/dev/null)" ] ||
      bad+=" $rel(key)"
  done <"$c/list"
  [ -z "$bad" ] && pass || fail "$algo:$bad"
  # 3 CAs at the top, 3 CA copies + 14 leaves on cp1, 1 copy + 3 leaves per worker.
  [ "$n" -eq $((3 + 3 + 14 + 3 * 4)) ] && pass || fail "$algo: $n certificates"

  local loose
  loose=$(cd "$T" && find . -type f \( -name '*.key' -o -name '*.conf' \) ! -perm 0600)
  [ -z "$loose" ] && pass || fail "$algo: keys or kubeconfigs not 0600: $loose"

  # The same certificates: subject, SANs, extended key usage, CA flag.
  certs "$K" "$WORK/kpki-$algo.c"
  describe "$c" >"$WORK/go-$algo.certs" || fail "$algo: cannot describe the Go tree"
  describe "$WORK/kpki-$algo.c" >"$WORK/kpki-$algo.certs" || fail "$algo: cannot describe kpki's tree"
  [ "$(wc -l <"$WORK/go-$algo.certs")" -eq "$n" ] && pass || fail "$algo: described $(wc -l <"$WORK/go-$algo.certs") of $n"
  if diff "$WORK/kpki-$algo.certs" "$WORK/go-$algo.certs" >"$WORK/diff" 2>&1; then pass; else fail "$algo: certificates differ (< kpki, > go): $(cat "$WORK/diff")"; fi
}

check_tree ecdsa-p256 ECDSA-P256
check_tree rsa-2048 RSA-2048

expect_error "unknown algorithm" "algorithm" "$GW" -algorithm ed25519 -dir "$WORK/x"
expect_error "existing directory" "already exists" "$GW" -workers 1 -dir "$WORK/go-ecdsa-p256"
finish
