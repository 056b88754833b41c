#!/usr/bin/env bash
# Revocation on a real consumer: `kpki init` of a 3-control-plane tree, a 3-member etcd cluster
# on 127.0.0.1/.2/.3 (ports 42379 client, 42380 peer only) with client and peer certificate auth
# and --client-crl-file / --peer-crl-file pointing at the CRL `kpki crl` writes for etcd-ca. After
# `kpki revoke` of cp1's etcd/healthcheck-client certificate and a new `kpki crl` (written in
# place, atomically, while the members run: etcd 3.4 re-reads the file on every handshake), that
# client is refused by every member while cp1's apiserver-etcd-client and cp2's
# healthcheck-client still work and the members still talk to each other. Then cp3's peer
# certificate is revoked and member 3 restarted, so that it dials its peers afresh: members 1 and
# 2 refuse its handshakes, naming the serial (--peer-crl-file), and keep serving with quorum.
set -euo pipefail
KPKI=${KPKI:?set KPKI to the kpki binary}
source "$(dirname "$0")/lib/kube_lib.sh"

for tool in etcd etcdctl; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed (apt-get install etcd-server etcd-client)"; exit 77; }
done
kube_setup
export ETCDCTL_API=3
CLIENT_PORT=42379
PEER_PORT=42380
OUT="$KUBE_WORK/out"

cat >"$KUBE_WORK/cluster.yaml" <<YAML
apiVersion: kpki/v1alpha1
kind: ClusterPKI
clusterName: kubernetes
controlPlaneEndpoint: 127.0.0.1:6443
encryptionAlgorithm: ECDSA-P256
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane}
  - {name: cp2, address: 127.0.0.2, role: control-plane}
  - {name: cp3, address: 127.0.0.3, role: control-plane}
YAML
"$KPKI" init --config "$KUBE_WORK/cluster.yaml" --dir "$OUT" >"$KUBE_WORK/init.log"
LEDGER="$OUT/ledger.db"
[ -f "$LEDGER" ] || fail "kpki init left no ledger at $LEDGER"
ETCD_CA="$OUT/nodes/cp1/pki/etcd/ca.crt"
ETCD_CA_KEY="$OUT/nodes/cp1/pki/etcd/ca.key"
CRL="$OUT/etcd-crl.pem"  # every member reads this one file

publish_crl() {
  "$KPKI" crl --ca-cert "$ETCD_CA" --ca-key "$ETCD_CA_KEY" --ledger "$LEDGER" --out "$CRL" --force \
    2>>"$KUBE_WORK/crl.log" || fail "kpki crl: $(tail -1 "$KUBE_WORK/crl.log")"
  # (openssl crl -verify exits 0 on "verify failure": its words decide)
  openssl crl -in "$CRL" -noout -verify -CAfile "$ETCD_CA" 2>&1 | grep -qx "verify OK" ||
    fail "openssl crl -verify refused $CRL"
}
publish_crl
pass "initial CRL for etcd-ca (no entries) written and verified"

# etcdctl_as NODE CERT_BASE MEMBER ARGS...: one endpoint per call (see kube_etcd_cluster.sh).
etcdctl_as() {
  local node=$1 cert=$2 member=$3; shift 3
  local pki="$OUT/nodes/$node/pki"
  etcdctl --dial-timeout=5s --command-timeout=10s --endpoints="https://127.0.0.$member:$CLIENT_PORT" \
    --cacert="$pki/etcd/ca.crt" --cert="$pki/$cert.crt" --key="$pki/$cert.key" "$@"
}

cluster=""
for i in 1 2 3; do cluster+="${cluster:+,}cp$i=https://127.0.0.$i:$PEER_PORT"; done
declare -A PGID
start_member() {  # start_member I LOG
  local i=$1 pki="$OUT/nodes/cp$1/pki"
  start_daemon "$2" etcd --name "cp$i" --data-dir "$KUBE_WORK/data$i" \
    --listen-client-urls "https://127.0.0.$i:$CLIENT_PORT" --advertise-client-urls "https://127.0.0.$i:$CLIENT_PORT" \
    --listen-peer-urls "https://127.0.0.$i:$PEER_PORT" --initial-advertise-peer-urls "https://127.0.0.$i:$PEER_PORT" \
    --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token kpki-crl \
    --client-cert-auth --trusted-ca-file "$pki/etcd/ca.crt" --client-crl-file "$CRL" \
    --cert-file "$pki/etcd/server.crt" --key-file "$pki/etcd/server.key" \
    --peer-client-cert-auth --peer-trusted-ca-file "$pki/etcd/ca.crt" --peer-crl-file "$CRL" \
    --peer-cert-file "$pki/etcd/peer.crt" --peer-key-file "$pki/etcd/peer.key"
  PGID[$i]=${KUBE_PGIDS[-1]}
}
for i in 1 2 3; do start_member $i "$KUBE_WORK/etcd$i.log"; done
wait_for 60 "etcd cluster health" etcdctl_as cp1 etcd/healthcheck-client 1 endpoint health --cluster
etcdctl_as cp1 apiserver-etcd-client 1 put /kpki/probe before >/dev/null
pass "3 members healthy with the CRL in place; cp1's healthcheck-client and apiserver-etcd-client work"

# Revoke cp1's healthcheck-client in the ledger and publish etcd-ca's next CRL, members running.
serial=$(openssl x509 -in "$OUT/nodes/cp1/pki/etcd/healthcheck-client.crt" -noout -serial | cut -d= -f2)
"$KPKI" revoke "$serial" --reason keyCompromise --ledger "$LEDGER" 2>>"$KUBE_WORK/crl.log" ||
  fail "kpki revoke $serial: $(tail -1 "$KUBE_WORK/crl.log")"
publish_crl
openssl crl -in "$CRL" -noout -text | grep -q "Serial Number: $serial" || fail "CRL does not list $serial"
openssl verify -crl_check -CAfile "$ETCD_CA" -CRLfile "$CRL" "$OUT/nodes/cp1/pki/etcd/healthcheck-client.crt" >/dev/null 2>&1 &&
  fail "openssl accepted the revoked healthcheck-client"
pass "healthcheck-client $serial revoked (keyCompromise) and listed in CRL number 2"

for member in 1 2 3; do
  if etcdctl_as cp1 etcd/healthcheck-client $member endpoint health >"$KUBE_WORK/refused$member.log" 2>&1; then
    fail "member $member accepted the revoked healthcheck-client"
  fi
done
for member in 1 2 3; do
  grep -q "certificate serial ${serial,,} revoked" "$KUBE_WORK/etcd$member.log" ||
    fail "member $member did not log the revocation of ${serial,,}"
done
pass "the revoked healthcheck-client is refused by all 3 members, each logging the revoked serial"

got=$(etcdctl_as cp1 apiserver-etcd-client 1 get /kpki/probe --print-value-only)
[ "$got" = before ] || fail "apiserver-etcd-client get returned '$got'"
etcdctl_as cp1 apiserver-etcd-client 3 put /kpki/probe after >/dev/null
got=$(etcdctl_as cp2 apiserver-etcd-client 2 get /kpki/probe --print-value-only)
[ "$got" = after ] || fail "write through member 3 not seen through member 2 ('$got')"
etcdctl_as cp2 etcd/healthcheck-client 2 endpoint health --cluster >/dev/null ||
  fail "cp2's (unrevoked) healthcheck-client was refused"
pass "apiserver-etcd-client still works (put via member 3, get via member 2), cp2's healthcheck-client too"

# A revoked peer: cp3's peer.crt. Its open peer streams predate the CRL, so member 3 is restarted
# (TERM, wait) and every connection it makes is a new handshake.
peer_serial=$(openssl x509 -in "$OUT/nodes/cp3/pki/etcd/peer.crt" -noout -serial | cut -d= -f2)
"$KPKI" revoke "$peer_serial" --reason keyCompromise --ledger "$LEDGER" 2>>"$KUBE_WORK/crl.log" ||
  fail "kpki revoke $peer_serial: $(tail -1 "$KUBE_WORK/crl.log")"
publish_crl
openssl crl -in "$CRL" -noout -text | grep -q "Serial Number: $peer_serial" || fail "CRL does not list $peer_serial"
kill -TERM -- "-${PGID[3]}" 2>/dev/null || true
for _ in $(seq 100); do kill -0 -- "-${PGID[3]}" 2>/dev/null || break; sleep 0.1; done
kill -KILL -- "-${PGID[3]}" 2>/dev/null || true
start_member 3 "$KUBE_WORK/etcd3-restarted.log"
refused_by() { grep -q "certificate serial ${peer_serial,,} revoked" "$KUBE_WORK/etcd$1.log"; }
wait_for 60 "member 1 to refuse cp3's revoked peer certificate" refused_by 1
wait_for 60 "member 2 to refuse cp3's revoked peer certificate" refused_by 2
grep "rejected connection" "$KUBE_WORK/etcd1.log" "$KUBE_WORK/etcd2.log" | grep -v "127.0.0.3" |
  grep -q "certificate serial ${peer_serial,,}" && fail "the revoked peer serial was logged for another address"
pass "cp3's peer certificate $peer_serial revoked; members 1 and 2 refuse the restarted member 3's handshakes"

etcdctl_as cp1 apiserver-etcd-client 1 put /kpki/probe peer-revoked >/dev/null ||
  fail "put via member 1 failed after the peer revocation"
got=$(etcdctl_as cp2 apiserver-etcd-client 2 get /kpki/probe --print-value-only)
[ "$got" = peer-revoked ] || fail "write through member 1 not seen through member 2 ('$got')"
pass "members 1 and 2 keep quorum: put via member 1, get via member 2"
echo "PASS"
