#!/usr/bin/env bash
# Import under load: a tree made with file CA keys (an existing kubeadm cluster's stand-in) runs
# a 3-member etcd cluster on 127.0.0.1/.2/.3 (ports 32379 client, 32380 peer only) with client
# and peer certificate auth, while a client loop does put/get the whole time (one endpoint per
# request, the next endpoint when one is down). The three CA keys go onto a SoftHSM token with
# --remove-source; no CA key file is left under OUT; `kpki certs renew all` on each node signs
# through the token; the renewed etcd files are deployed to each member in a rolling restart (one
# member at a time, the next only when it is healthy again). Then every member serves its renewed
# certificate (serial and issuer read with openssl s_client), no member logged a "rejected
# connection", and no client request failed.
set -euo pipefail
KPKI=${KPKI:?set KPKI to the kpki binary}
KPKI_SOURCE_DIR=${KPKI_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
source "$(dirname "$0")/lib/kube_lib.sh"
MODULE=/usr/lib/softhsm/libsofthsm2.so
for tool in etcd etcdctl softhsm2-util openssl; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
[ -r "$MODULE" ] || { echo "SKIP: SoftHSM2 module not installed"; exit 77; }
"$KPKI" hsm --help >/dev/null 2>&1 || { echo "SKIP: kpki built without PKCS#11"; exit 77; }
kube_setup
LOOP_PID=""
# The client loop is a subshell, not a daemon group: stop it too, however the script ends.
trap '[ -z "$LOOP_PID" ] || kill "$LOOP_PID" 2>/dev/null; kube_cleanup' EXIT
export ETCDCTL_API=3
CLIENT_PORT=32379 PEER_PORT=32380
W=$KUBE_WORK OUT=$KUBE_WORK/out

cp "$KPKI_SOURCE_DIR/tests/data/cluster_3cp_1w.yaml" "$W/files.yaml"
"$KPKI" init --config "$W/files.yaml" --dir "$OUT" >"$W/init.log"
eval "$("$KPKI_SOURCE_DIR/hsm-setup/make-token.sh" --dir "$W/hsm" --label etcd-import --kpki "$KPKI" 2>/dev/null)"
PIN="$W/hsm/user-pin"

# What each member reads, as /etc/kubernetes/pki/etcd on a node: OUT is the admin's tree,
# deployed to the member while it is stopped.
deploy() {  # deploy N
  mkdir -p "$W/node$1/etcd"
  cp "$OUT/nodes/cp$1/pki/etcd/"{ca.crt,server.crt,server.key,peer.crt,peer.key} "$W/node$1/etcd/"
}
PGID=()
start_member() {  # start_member N
  local i=$1 cluster="" j d="$W/node$1/etcd"
  for j in 1 2 3; do cluster+="${cluster:+,}cp$j=https://127.0.0.$j:$PEER_PORT"; done
  start_daemon "$W/etcd$i.log" etcd --name "cp$i" --data-dir "$W/data$i" \
    --listen-client-urls "https://127.0.0.$i:$CLIENT_PORT" --advertise-client-urls "https://127.0.0.$i:$CLIENT_PORT" \
    --listen-peer-urls "https://127.0.0.$i:$PEER_PORT" --initial-advertise-peer-urls "https://127.0.0.$i:$PEER_PORT" \
    --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token kpki-import \
    --client-cert-auth --trusted-ca-file "$d/ca.crt" --cert-file "$d/server.crt" --key-file "$d/server.key" \
    --peer-client-cert-auth --peer-trusted-ca-file "$d/ca.crt" \
    --peer-cert-file "$d/peer.crt" --peer-key-file "$d/peer.key"
  PGID[$i]=${KUBE_PGIDS[-1]}
}
stop_member() {  # stop_member N: TERM, then wait until it is gone
  kill -TERM -- "-${PGID[$1]}" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 -- "-${PGID[$1]}" 2>/dev/null || return 0; sleep 0.1; done
  fail "member cp$1 did not stop"
}
# The client's credentials are copied once: renewing cp1 must not swap them under a request.
mkdir -p "$W/client"
cp "$OUT/nodes/cp1/pki/etcd/ca.crt" "$W/client/ca.crt"
cp "$OUT/nodes/cp1/pki/apiserver-etcd-client."{crt,key} "$W/client/"
ctl() {  # ctl N ARGS...: one request to member N
  local n=$1; shift
  etcdctl --dial-timeout=2s --command-timeout=5s --endpoints="https://127.0.0.$n:$CLIENT_PORT" \
    --cacert="$W/client/ca.crt" --cert="$W/client/apiserver-etcd-client.crt" \
    --key="$W/client/apiserver-etcd-client.key" "$@"
}
healthy() { ctl "$1" endpoint health >/dev/null 2>&1; }

for i in 1 2 3; do deploy $i; start_member $i; done
for i in 1 2 3; do wait_for 60 "member cp$i healthy" healthy $i; done
pass "3-member etcd cluster on :$CLIENT_PORT/:$PEER_PORT with file-CA certificates"

# The load: put then get, each on one member, the next member when one does not answer.
client_loop() {
  local n=0 failed=0 start=0 value got m ok
  while [ ! -e "$W/stop" ]; do
    n=$((n + 1)); value="v$n"; ok=0
    for m in $(( (start % 3) + 1 )) $(( ((start + 1) % 3) + 1 )) $(( ((start + 2) % 3) + 1 )); do
      if ctl $m put /load/key "$value" >/dev/null 2>&1 &&
         got=$(ctl $m get /load/key --print-value-only 2>/dev/null) && [ "$got" = "$value" ]; then
        ok=1; break
      fi
    done
    start=$((start + 1))
    [ $ok = 1 ] || { failed=$((failed + 1)); echo "request $n failed on every member" >>"$W/loop-errors"; }
    echo "$n $failed" >"$W/loop-count.tmp" && mv "$W/loop-count.tmp" "$W/loop-count"
  done
}
client_loop & LOOP_PID=$!
requests() { cut -d' ' -f1 "$W/loop-count" 2>/dev/null || echo 0; }
advanced_past() { [ "$(requests)" -gt "$1" ]; }
wait_for 60 "the client loop" advanced_past 2

served() {  # served N PORT: serial and issuer of the certificate member N serves
  sleep 0.5 | openssl s_client -connect "127.0.0.$1:$2" -CAfile "$W/client/ca.crt" \
    -cert "$W/client/apiserver-etcd-client.crt" -key "$W/client/apiserver-etcd-client.key" 2>/dev/null |
    openssl x509 -noout -serial -issuer
}
declare -A OLD_SERVED
for i in 1 2 3; do OLD_SERVED[$i]=$(served $i $CLIENT_PORT); done
[ -n "${OLD_SERVED[1]}" ] || fail "cannot read the certificate cp1 serves"

# Import the three CA keys under load.
"$KPKI" ca import --dir "$OUT" --config "$W/files.yaml" \
  --token-uri "pkcs11:token=etcd-import?pin-source=file:$PIN" --out-config "$W/hsm.yaml" \
  --remove-source >"$W/import.log"
grep -q "3 to import, 0 already on the token, 12 files to remove" "$W/import.log" || fail "unexpected plan: $(cat "$W/import.log")"
[ "$(grep -c '^removed ' "$W/import.log")" = 12 ] || fail "expected 12 removed key files"
left=$(find "$OUT" "$W/node1" "$W/node2" "$W/node3" -type f \( -name ca.key -o -name front-proxy-ca.key \))
[ -z "$left" ] || fail "CA key files remain: $left"
pass "three CA keys imported with --remove-source; no CA key file under OUT"

# Renew every node's certificates through the token.
for n in cp1 cp2 cp3 w1; do
  "$KPKI" certs renew all --dir "$OUT/nodes/$n" --config "$W/hsm.yaml" >"$W/renew-$n.log" ||
    fail "certs renew all on $n: $(cat "$W/renew-$n.log")"
done
for i in 1 2 3; do
  openssl verify -CAfile "$OUT/nodes/cp$i/pki/etcd/ca.crt" "$OUT/nodes/cp$i/pki/etcd/server.crt" >/dev/null ||
    fail "cp$i's renewed etcd server certificate does not verify"
done
pass "certs renew all on cp1..cp3 and w1 signed through the token"

# Rolling restart: one member at a time, the next when it is healthy and the loop went on.
for i in 1 2 3; do
  stop_member $i
  deploy $i
  start_member $i
  wait_for 60 "member cp$i healthy after restart" healthy $i
  before=$(requests)
  wait_for 60 "client requests after cp$i restarted" advanced_past "$((before + 2))"
  want=$(openssl x509 -in "$OUT/nodes/cp$i/pki/etcd/server.crt" -noout -serial -issuer)
  [ "$(served $i $CLIENT_PORT)" = "$want" ] || fail "cp$i does not serve its renewed server certificate"
  [ "$want" != "${OLD_SERVED[$i]}" ] || fail "cp$i's server certificate was not renewed"
  want=$(openssl x509 -in "$OUT/nodes/cp$i/pki/etcd/peer.crt" -noout -serial -issuer)
  [ "$(served $i $PEER_PORT)" = "$want" ] || fail "cp$i does not serve its renewed peer certificate"
done
pass "rolling restart: every member serves its renewed server and peer certificate ($(echo "$want" | tail -1))"

touch "$W/stop"
wait $LOOP_PID
LOOP_PID=""
read -r total failed <"$W/loop-count"
echo "client requests: $total, failed: $failed"
[ "$failed" = 0 ] || fail "$failed client requests failed: $(head -3 "$W/loop-errors")"
pass "no failed client request"
if grep -h "rejected connection" "$W"/etcd*.log | head -5 | grep .; then
  fail "an etcd member rejected a connection"
fi
pass "no 'rejected connection' in any member's log"
echo "PASS"
