# Helpers of the ledger tests that work on a kpki tree (ledger_ca_home.sh, ledger_lost.sh,
# ledger_symlink.sh); sourced after common.sh.
check() {  # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then pass; else fail "$1: expected '$2', got '$3'"; fi
}
crl_revoked() { openssl crl -in "$1" -noout -text | grep -c "Serial Number:" || true; }
crl_number() { echo $(($(openssl crl -in "$1" -noout -crlnumber | cut -d= -f2))); }
client_cert_of() {  # client_cert_of KUBECONFIG OUT: its client certificate as PEM
  grep 'client-certificate-data:' "$1" | awk '{print $2}' | tr -d '"' | base64 -d >"$2"
}
exists() { if [ -e "$1" ] || [ -L "$1" ]; then echo yes; else echo no; fi; }
# init_tree OUT: kpki init of a control plane and a worker into OUT.
init_tree() {
  cat >cluster.yaml <<'YAML'
apiVersion: kpki/v1alpha1
kind: ClusterPKI
encryptionAlgorithm: ECDSA-P256
nodes:
  - {name: cp1, address: 127.0.0.1}
  - {name: w1, address: 10.0.0.21, role: worker}
YAML
  "$KPKI" init --config cluster.yaml --dir "$1" >/dev/null 2>&1
}
