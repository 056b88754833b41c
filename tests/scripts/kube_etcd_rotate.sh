#!/usr/bin/env bash
# etcd-ca rotated under load with no failed request. kpki init of 3 control planes; a 3-member etcd
# cluster on 127.0.0.1/.2/.3 (ports 22379 client, 22380 peer only) with --client-cert-auth and
# --peer-client-cert-auth; a client loop doing put/get with apiserver-etcd-client through all three
# endpoints (one endpoint per request; a failed request is retried on the next endpoint and counts
# as failed only when every endpoint failed). etcd-ca goes through begin, reissue and finish, each
# followed by a rolling restart (one member at a time, waiting for its health). Checks: zero failed
# requests, no "rejected connection" in any member log, and at the end a client certificate from
# the old CA is refused.
set -euo pipefail
KPKI=${KPKI:?set KPKI to the kpki binary}
source "$(dirname "$0")/lib/kube_lib.sh"
CHECK="python3 ${KPKI_SOURCE_DIR:-$(dirname "$0")/../..}/tests/scripts/lib/rotation_check.py"
for tool in etcd etcdctl; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
kube_setup
export ETCDCTL_API=3
W=$KUBE_WORK OUT=$KUBE_WORK/out
CLIENT_PORT=22379 PEER_PORT=22380

cat >"$W/cluster.yaml" <<'YAML'
apiVersion: kpki/v1alpha1
kind: ClusterPKI
controlPlaneEndpoint: 127.0.0.1:22443
encryptionAlgorithm: ECDSA-P256
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane}
  - {name: cp2, address: 127.0.0.2, role: control-plane}
  - {name: cp3, address: 127.0.0.3, role: control-plane}
YAML
"$KPKI" init --config "$W/cluster.yaml" --dir "$OUT" >/dev/null

declare -A PGID LOG
STARTS=0
start_member() {  # start_member I
  local i=$1 node="$OUT/nodes/cp$1" cluster="" j
  for j in 1 2 3; do cluster+="${cluster:+,}cp$j=https://127.0.0.$j:$PEER_PORT"; done
  STARTS=$((STARTS + 1))
  start_daemon "$W/etcd$i-$STARTS.log" etcd --name "cp$i" --data-dir "$W/data$i" \
    --listen-client-urls "https://127.0.0.$i:$CLIENT_PORT" --advertise-client-urls "https://127.0.0.$i:$CLIENT_PORT" \
    --listen-peer-urls "https://127.0.0.$i:$PEER_PORT" --initial-advertise-peer-urls "https://127.0.0.$i:$PEER_PORT" \
    --listen-metrics-urls "" \
    --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token kpki-rotate \
    --client-cert-auth --trusted-ca-file "$node/pki/etcd/ca.crt" \
    --cert-file "$node/pki/etcd/server.crt" --key-file "$node/pki/etcd/server.key" \
    --peer-client-cert-auth --peer-trusted-ca-file "$node/pki/etcd/ca.crt" \
    --peer-cert-file "$node/pki/etcd/peer.crt" --peer-key-file "$node/pki/etcd/peer.key"
  PGID[$i]=${KUBE_PGIDS[-1]}
  LOG[$i]="$W/etcd$i-$STARTS.log"
}
member_health() {  # member_health I: the member answers with its own node's healthcheck-client
  local n="$OUT/nodes/cp$1"
  etcdctl --dial-timeout=3s --command-timeout=5s --endpoints="https://127.0.0.$1:$CLIENT_PORT" \
    --cacert="$n/pki/etcd/ca.crt" --cert="$n/pki/etcd/healthcheck-client.crt" \
    --key="$n/pki/etcd/healthcheck-client.key" endpoint health
}
restart_member() {  # restart_member I: stop (TERM, wait), start on the files now on disk, wait healthy
  local i=$1
  wc -l <"${LOG[$i]}" >"${LOG[$i]}.stopped-at"  # what follows is the member's own shutdown
  kill -TERM -- "-${PGID[$i]}" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 -- "-${PGID[$i]}" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-${PGID[$i]}" 2>/dev/null || true
  start_member "$i"
  wait_for 60 "member cp$i healthy" member_health "$i"
}
rolling_restart() { local i; for i in 1 2 3; do restart_member $i; done; }

for i in 1 2 3; do start_member $i; done
for i in 1 2 3; do wait_for 60 "member cp$i healthy" member_health $i; done
pass "3-member cluster healthy on :$CLIENT_PORT/:$PEER_PORT"

# The client: apiserver-etcd-client of cp1, trust from cp1's etcd/ca.crt, both read per request
# (as a restarted kube-apiserver would read them).
client_loop() {
  local n="$OUT/nodes/cp1" i=0 e ok k
  while [ ! -e "$W/stop" ]; do
    i=$((i + 1))
    for op in put get; do
      ok=0
      for k in 0 1 2; do
        e=$(( (i + k) % 3 + 1 ))
        args=(etcdctl --dial-timeout=2s --command-timeout=5s --endpoints="https://127.0.0.$e:$CLIENT_PORT"
          --cacert="$n/pki/etcd/ca.crt" --cert="$n/pki/apiserver-etcd-client.crt" --key="$n/pki/apiserver-etcd-client.key")
        if [ $op = put ]; then
          "${args[@]}" put "/rotate/$i" "v$i" >/dev/null 2>>"$W/client-errors.log" && ok=1
        else
          [ "$("${args[@]}" get "/rotate/$i" --print-value-only 2>>"$W/client-errors.log")" = "v$i" ] && ok=1
        fi
        [ $ok = 1 ] && break
        echo "request $i $op via 127.0.0.$e failed; retrying" >>"$W/client-retries.log"
      done
      if [ $ok = 1 ]; then echo ok >>"$W/client-ok"; else echo "$i $op" >>"$W/client-failed"; fi
    done
  done
}
: >"$W/client-ok"; : >"$W/client-failed"; : >"$W/client-retries.log"
client_loop &
CLIENT=$!
wait_for 30 "first client requests" test -s "$W/client-ok"

cp "$OUT/nodes/cp1/pki/apiserver-etcd-client.crt" "$W/old-client.crt"
cp "$OUT/nodes/cp1/pki/apiserver-etcd-client.key" "$W/old-client.key"
cp "$OUT/pki/etcd/ca.crt" "$W/old-ca.crt"
for phase in begin reissue finish; do
  "$KPKI" ca rotate etcd-ca --dir "$OUT" --config "$W/cluster.yaml" --phase $phase >"$W/rotate-$phase.log" ||
    fail "ca rotate etcd-ca --phase $phase: $(tail -1 "$W/rotate-$phase.log")"
  rolling_restart
  pass "phase $phase + rolling restart ($(wc -l <"$W/client-ok") requests so far)"
done
NEW="$OUT/rotation/etcd-ca/1/new.crt"
$CHECK trust "$OUT" etcd-ca "$NEW" || fail "trust files are not the new etcd-ca only"
$CHECK leaves "$OUT" etcd-ca "$NEW" || fail "leaves do not verify under the new etcd-ca"
# A few more requests against the finished cluster, then stop the client.
before=$(wc -l <"$W/client-ok")
more_requests() { [ "$(wc -l <"$W/client-ok")" -gt "$1" ]; }
wait_for 60 "requests after the rotation" more_requests $((before + 6))
touch "$W/stop"; wait $CLIENT || true

OKS=$(wc -l <"$W/client-ok") FAILED=$(wc -l <"$W/client-failed")
RETRIES=$(wc -l <"$W/client-retries.log")
echo "client: $OKS requests succeeded, $FAILED failed, $RETRIES retried on another endpoint"
[ "$FAILED" -eq 0 ] || { head -5 "$W/client-errors.log"; fail "$FAILED client request(s) failed on every endpoint"; }
pass "zero failed client requests over the rotation"
# A member being stopped closes its peer listener while a peer may be mid-handshake with it; etcd
# logs that as "rejected connection ... use of closed network connection" after the stop signal.
# Those lines are counted apart; any other "rejected connection" line (a certificate refused) fails.
ARTIFACTS=0 REJECTED=0
for log in "$W"/etcd*.log; do
  from=$(( $(cat "$log.stopped-at" 2>/dev/null || wc -l <"$log") + 1 ))
  while IFS= read -r line; do
    n=${line%%:*}
    if [ "$n" -ge "$from" ] && [[ $line == *"use of closed network connection"* ]]; then
      ARTIFACTS=$((ARTIFACTS + 1))
    elif [[ $line == *"read: connection reset by peer"* && $line != *x509* && $line != *"tls:"* ]]; then
      # The dialling peer went away mid-handshake (a member being stopped for its restart): a
      # transport reset, not a certificate this member refused (that is logged as a TLS or x509
      # error and still fails below).
      ARTIFACTS=$((ARTIFACTS + 1))
    else
      REJECTED=$((REJECTED + 1)); echo "$log: ${line:0:300}"
    fi
  done < <(grep -n "rejected connection" "$log" || true)
done
[ "$REJECTED" -eq 0 ] || fail "$REJECTED 'rejected connection' line(s) in member logs"
pass "no 'rejected connection' in any member log ($STARTS member starts; $ARTIFACTS listener-closed or peer-reset line(s) around a member's stop)"

# The old CA is gone: its client certificate is refused (and the member logs the rejection).
if etcdctl --dial-timeout=3s --command-timeout=5s --endpoints="https://127.0.0.1:$CLIENT_PORT" \
    --cacert="$NEW" --cert="$W/old-client.crt" --key="$W/old-client.key" get /rotate/1 >/dev/null 2>&1; then
  fail "etcd accepted a client certificate from the old etcd-ca"
fi
wait_for 10 "the member logging the old-CA rejection" sh -c "grep 'rejected connection' '${LOG[1]}' | grep -qv 'use of closed'"
pass "client certificate from the old etcd-ca refused"
# And the old CA no longer verifies the servers: a client trusting only it cannot connect.
if etcdctl --dial-timeout=3s --command-timeout=5s --endpoints="https://127.0.0.2:$CLIENT_PORT" \
    --cacert="$W/old-ca.crt" --cert="$OUT/nodes/cp1/pki/apiserver-etcd-client.crt" \
    --key="$OUT/nodes/cp1/pki/apiserver-etcd-client.key" get /rotate/1 >/dev/null 2>&1; then
  fail "a server certificate still verifies under the old etcd-ca"
fi
pass "servers no longer verify under the old etcd-ca"
echo "PASS"
