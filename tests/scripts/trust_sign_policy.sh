#!/usr/bin/env bash
# Trust issue, items 4, 10 and 12, through the kpki binary with CSRs made by `openssl req`: every
# attack the issue names is refused by `kpki sign` by default (non-zero exit, one line, no output
# file), the flags and the policy file lift exactly what they name, names with bidi or zero-width
# characters are refused wherever they enter, and files holding several objects are refused.
source "$(dirname "$0")/lib/common.sh"
cd "$WORK"

"$KPKI" ca create --key ca.key --cn policy-ca --out ca.crt 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out req.key 2>/dev/null

# csr NAME SUBJECT [SAN]: a CSR made by openssl, not by kpki.
csr() {
  local san=()
  [ $# -ge 3 ] && san=(-addext "subjectAltName=$3")
  openssl req -new -utf8 -key req.key -subj "$2" "${san[@]}" -out "$1.csr" 2>/dev/null
}
sign() {  # sign NAME EXTRA...: certifies NAME.csr into NAME.crt
  local n=$1; shift
  "$KPKI" sign --ca-cert ca.crt --ca-key ca.key --csr "$n.csr" --profile client --out "$n.crt" "$@"
}
# refused NAME PATTERN EXTRA...: exit 3 (invalid input), one line matching PATTERN, no NAME.crt.
refused() {
  local n=$1 pattern=$2; shift 2
  local rc=0
  sign "$n" "$@" >/dev/null 2>err.txt || rc=$?
  [ "$rc" -eq 3 ] && pass || fail "$n: expected exit 3, got $rc: $(cat err.txt)"
  if [ "$(grep -c '' err.txt)" -eq 1 ] && grep -qE -- "$pattern" err.txt; then pass; else
    fail "$n: error '$(cat err.txt)' is not one line matching /$pattern/"; fi
  if [ -e "$n.crt" ]; then fail "$n: wrote $n.crt"; rm -f "$n.crt"; else pass; fi
}
signed() {  # signed NAME EXTRA...: must succeed and write NAME.crt
  local n=$1; shift
  if sign "$n" "$@" >out.txt 2>err.txt && [ -s "$n.crt" ]; then pass; else fail "$n $*: $(cat err.txt)"; fi
}

# Item 4: groups. The issue's attack: O=system:masters got a client certificate.
csr masters "/CN=mallory/O=system:masters"
refused masters "masters.csr: O=system:masters is a Kubernetes system group \(refused by default policy\); use --allow-group"
refused masters "system:masters" --allow-group system:nodes
signed masters --allow-group system:masters
openssl x509 -in masters.crt -noout -subject | grep -q "O = system:masters" && pass ||
  fail "allowed group missing from the certificate"
csr nodes "/CN=w1/O=system:nodes"
refused nodes "O=system:nodes is a Kubernetes system group"
signed nodes --allow-group system:nodes
csr devs "/CN=alice/O=dev/O=ops"
signed devs

# Item 4: SANs the issue saw pass.
csr kdefault "/CN=k" "DNS:kubernetes.default"
refused kdefault "DNS name 'kubernetes.default' is reserved by Kubernetes.*refused by default policy.*--policy"
csr kfull "/CN=k" "DNS:kubernetes.default.svc.cluster.local"
refused kfull "reserved by Kubernetes"
csr svcip "/CN=k" "IP:10.96.0.1"
refused svcip "IP '10.96.0.1' is in 10.96.0.0/12, kubeadm's default service subnet \(refused by default policy\)"
csr wildsvc "/CN=w" "DNS:*.svc"
refused wildsvc "DNS name '\*.svc' is a wildcard \(refused by default policy\); use --allow-wildcard"
refused wildsvc "reserved by Kubernetes" --allow-wildcard
csr wild "/CN=w" "DNS:*.example.com"
refused wild "is a wildcard"
signed wild --allow-wildcard
csr twocn "/CN=admin/CN=guest"
refused twocn "twocn.csr: subject has more than one CN attribute"
csr twoorg "/CN=x/O=dev/O=dev"
refused twoorg "subject has O=dev given twice"

# --deny-ip adds ranges (the service CIDR kpki cannot know); bad ranges are usage mistakes.
csr lan "/CN=lan" "IP:192.168.1.5,DNS:lan.example.com"
refused lan "IP '192.168.1.5' is denied by --deny-ip '192.168.0.0/16'" --deny-ip 192.168.0.0/16
refused lan "--deny-ip: invalid CIDR '192.168.0.0/33'" --deny-ip 192.168.0.0/33
signed lan
# The result line names the SANs as well as the subject.
grep -qF "CN=lan, DNS:lan.example.com, IP:192.168.1.5, serial" out.txt && pass ||
  fail "result line without SANs: $(cat out.txt)"

# A policy file: allow entries lift the Kubernetes defaults for exactly those names; deny wins;
# allow rules for DNS and IP refuse URIs (no allow rule for them).
cat >policy.yaml <<'YAML'
allow:
  dns: ["kubernetes.default", "*.example.com"]
  ips: ["10.96.0.1/32", "192.0.2.0/24"]
deny:
  commonNames: ["system:*"]
  dns: ["admin.example.com"]
allowReserved:
  dns: ["kubernetes.default"]
  ips: ["10.96.0.1"]
YAML
signed kdefault --policy policy.yaml
signed svcip --policy policy.yaml
refused kfull "matches no allow rule of policy.yaml: allow.dns" --policy policy.yaml
csr denied "/CN=x" "DNS:admin.example.com"
refused denied "DNS name 'admin.example.com' is denied by policy.yaml: deny.dns" --policy policy.yaml
csr kcm "/CN=system:kube-controller-manager"
refused kcm "CN 'system:kube-controller-manager' is denied by policy.yaml: deny.commonNames" --policy policy.yaml
csr uri "/CN=x" "URI:spiffe://example.com/x"
refused uri "URI 'spiffe://example.com/x' is not allowed" --policy policy.yaml
# The documented example policy (docs/examples/policy.yaml) works as docs/policy.md says.
EXAMPLE=$KPKI_SOURCE_DIR/docs/examples/policy.yaml
csr kubelet "/CN=system:node:w1/O=system:nodes" "DNS:w1.nodes.example.com,IP:192.0.2.10"
signed kubelet --policy "$EXAMPLE"
csr gateway "/CN=system:node:gw/O=system:nodes" "DNS:gw.nodes.example.com,IP:192.0.2.1"
refused gateway "IP '192.0.2.1' is denied by .*policy.yaml: deny.ips" --policy "$EXAMPLE"
csr stranger "/CN=mallory" "DNS:w2.nodes.example.com"
refused stranger "CN 'mallory' matches no allow rule" --policy "$EXAMPLE"
printf 'allow:\n  dnss: [a.example.com]\n' >typo.yaml
cp kdefault.csr typo.csr
refused typo "typo.yaml: allow.dnss: unknown field" --policy typo.yaml

# Issue 19, policy for kpki sign. Item 1: identities Kubernetes and kubeadm reserve are refused
# by default, each with the way to lift it; allowReserved / --allow-group lift exactly one.
for cn in system:kube-controller-manager system:kube-scheduler system:kube-proxy system:node:cp1 \
  system:serviceaccount:kube-system:default kube-apiserver-kubelet-client kube-apiserver-etcd-client; do
  csr reserved "/CN=$cn"
  refused reserved "reserved.csr: CN '$cn' .*\(refused by default policy\); list it under allowReserved: in a --policy file"
done
csr kadmins "/CN=alice/O=kubeadm:cluster-admins"
refused kadmins "O=kubeadm:cluster-admins is a kubeadm group \(bound to cluster-admin\) \(refused by default policy\); use --allow-group"
signed kadmins --allow-group kubeadm:cluster-admins
csr getnodes "/CN=alice/O=kubeadm:get-nodes"
refused getnodes "O=kubeadm:get-nodes is a kubeadm group" --allow-group kubeadm:cluster-admins
csr node1 "/CN=system:node:w1/O=system:nodes"
refused node1 "CN 'system:node:w1' is a Kubernetes node identity" --allow-group system:nodes
printf 'allowReserved:\n  commonNames: ["system:node:*"]\n' >nodes.yaml
signed node1 --allow-group system:nodes --policy nodes.yaml
csr proxy "/CN=system:kube-proxy"
refused proxy "CN 'system:kube-proxy'" --policy nodes.yaml

# Item 2: an allow rule never lifts a reserved default; allowReserved does, for what it names.
cat >broad.yaml <<'YAML'
allow:
  ips: [10.0.0.0/8]
  dns: ["*.local"]
YAML
csr svcip2 "/CN=k" "IP:10.96.0.1"
refused svcip2 "IP '10.96.0.1' is in 10.96.0.0/12, kubeadm's default service subnet \(refused by default policy\)" --policy broad.yaml
csr kfull2 "/CN=k" "DNS:kubernetes.default.svc.cluster.local"
refused kfull2 "DNS name 'kubernetes.default.svc.cluster.local' is reserved by Kubernetes" --policy broad.yaml
csr lan10 "/CN=lan" "IP:10.1.2.3,DNS:printer.local"
signed lan10 --policy broad.yaml
cat >>broad.yaml <<'YAML'
allowReserved:
  ips: [10.96.0.1]
  dns: [kubernetes.default.svc.cluster.local]
YAML
signed svcip2 --policy broad.yaml
signed kfull2 --policy broad.yaml
printf 'allowReserved:\n  emails: ["@example.com"]\n' >typo2.yaml
cp lan10.csr typo2.csr
refused typo2 "typo2.yaml: allowReserved.emails: unknown field" --policy typo2.yaml

# Item 3: every format, default-ignorable, separator, private-use and unassigned code point.
for c in '\xe2\x80\xa8' '\xe2\x80\xa9' '\xc2\xad' '\xe3\x85\xa4' '\xe1\xa0\x8e' '\xef\xbf\xbb' \
  '\xcd\x8f' '\xef\xb8\x8f' '\xf3\xa0\x81\x81' '\xee\x80\x80' '\xcd\xb8'; do
  csr invisible "/CN=admin$(printf "$c")"
  refused invisible "invisible.csr: subject attribute CN is not valid text"
  csr invisible "/CN=x/O=system:$(printf "$c")masters"
  refused invisible "invisible.csr: subject attribute O is not valid text"
done
i=0
for name in José Müller 東京都 서울; do
  i=$((i + 1))
  csr "intl$i" "/CN=$name/O=$name"
  signed "intl$i"
done

# Item 4: a CN with RFC 4514 specials is shown as one value, escaped, wherever it is shown.
csr eve "/CN=eve, O=system:masters/O=dev"
signed eve
grep -qF 'CN=eve\, O=system:masters, O=dev' out.txt && pass || fail "sign line: $(cat out.txt)"
"$KPKI" inspect eve.crt >inspect.txt 2>&1
grep -qF 'CN=eve\, O=system:masters, O=dev' inspect.txt && pass || fail "inspect: $(cat inspect.txt)"
grep -qF 'CN=eve, O=system:masters' inspect.txt && fail "inspect shows two attributes" || pass
"$KPKI" inspect -o json eve.crt | python3 -c '
import json, sys
s = json.load(sys.stdin)["subject"]
sys.exit(0 if s["commonName"] == "eve, O=system:masters" and s["text"] == "CN=eve\\, O=system:masters, O=dev" else 1)' &&
  pass || fail "inspect -o json: $("$KPKI" inspect -o json eve.crt)"
"$KPKI" ledger list --ledger ledger.db >ledger.txt 2>&1
grep -qF 'CN=eve\, O=system:masters, O=dev' ledger.txt && pass || fail "ledger list: $(cat ledger.txt)"

# Item 10: bidi and zero-width characters, in a CSR and on the command line.
csr rlo $'/CN=admin\xe2\x80\xaegpj.exe'
refused rlo "rlo.csr: subject attribute CN is not valid text \(control, bidi or zero-width"
csr zwsp $'/CN=x/O=system:\xe2\x80\x8bmasters'
refused zwsp "subject attribute O is not valid text"
csr bom $'/CN=\xef\xbb\xbfadmin'
refused bom "not valid text"
expect_error "issue --cn with RLO" "common name 'admin.*gpj' is not valid text" \
  "$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile client --cn $'admin\xe2\x80\xaegpj' \
  --key l.key --out l.crt
[ -e l.crt ] && fail "issue wrote l.crt" || pass
expect_error "csr --org with ZWJ" "organization .* is not valid text" \
  "$KPKI" csr --key req.key --cn x --org $'dev\xe2\x80\x8d' --out z.csr
[ -e z.csr ] && fail "csr wrote z.csr" || pass

# Item 12: one object expected, several given.
cat masters.csr devs.csr >two.csr
refused two "'two.csr' holds 2 PEM blocks; expected exactly one CSR"
cat ca.crt ca.crt >two-ca.crt
expect_error "two CA certificates" "'two-ca.crt' holds 2 PEM blocks; expected exactly one certificate" \
  "$KPKI" sign --ca-cert two-ca.crt --ca-key ca.key --csr devs.csr --profile client --out x.crt
cat ca.key req.key >two.key
chmod 600 two.key
expect_error "two CA keys" "'two.key' holds 2 PEM blocks; expected exactly one private key" \
  "$KPKI" sign --ca-cert ca.crt --ca-key two.key --csr devs.csr --profile client --out x.crt
if "$KPKI" key public botan:ca.key >/dev/null 2>&1; then
  expect_error "two keys, botan" "'two.key' holds 2 PEM blocks" "$KPKI" key public botan:two.key
fi
[ -e x.crt ] && fail "wrote x.crt" || pass
# kpki verify's --ca is a bundle: several certificates stay allowed there.
"$KPKI" ca create --key ca2.key --cn other-ca --out ca2.crt 2>/dev/null
cat ca2.crt ca.crt >bundle.crt
expect_ok "verify with a two-CA bundle" "$KPKI" verify --ca bundle.crt devs.crt
expect_error "verify of a two-certificate file" "holds 2 PEM blocks" \
  "$KPKI" verify --ca ca.crt two-ca.crt

finish
