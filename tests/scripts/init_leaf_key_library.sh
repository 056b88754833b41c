#!/usr/bin/env bash
# kpki init's leaf keys are the same standard files whichever library makes them (Botan, the
# default for RSA, or OpenSSL): unencrypted PKCS#8 PEM, mode 0600, `openssl pkey -check` passes,
# and kpki's OpenSSL side reopens them as kept keys.
source "$(dirname "$0")/lib/common.sh"
cd "$WORK"

cat > cluster.yaml <<'YAML'
apiVersion: kpki/v1alpha1
kind: ClusterPKI
encryptionAlgorithm: RSA-2048
nodes:
  - {name: cp1, address: 10.0.0.10}
  - {name: w1, address: 10.0.0.21, role: worker}
YAML

check_keys() {  # check_keys DIR: every key file, and every kubeconfig's embedded key
  local dir=$1 count=0 key
  while IFS= read -r key; do
    count=$((count + 1))
    [ "$(stat -c %a "$key")" = 600 ] || fail "$key: mode $(stat -c %a "$key")"
    [ "$(head -1 "$key")" = "-----BEGIN PRIVATE KEY-----" ] || fail "$key: not PKCS#8 PEM"
    openssl pkey -in "$key" -check -noout >/dev/null 2>&1 || fail "$key: openssl pkey -check"
    openssl pkey -in "$key" -noout -text 2>/dev/null | grep -q "Private-Key: (2048 bit" \
      || fail "$key: not RSA-2048"
  done < <(find "$dir/nodes" -name '*.key' ! -name sa.key)
  [ "$count" -ge 4 ] && pass || fail "$dir: only $count key files"
  local conf
  for conf in "$dir"/nodes/cp1/admin.conf "$dir"/nodes/w1/kubelet.conf; do
    [ -f "$conf" ] || continue
    grep -o 'client-key-data: .*' "$conf" | head -1 | cut -d' ' -f2 | base64 -d > embedded.key
    if [ "$(head -1 embedded.key)" = "-----BEGIN PRIVATE KEY-----" ] \
      && openssl pkey -in embedded.key -check -noout >/dev/null 2>&1; then pass
    else fail "$conf: embedded key not a valid PKCS#8 key"; fi
  done
}

for library in botan openssl auto; do
  if "$KPKI" init --config cluster.yaml --dir "$library" --leaf-key-library "$library" >/dev/null 2>err.txt
  then pass; else fail "init --leaf-key-library $library: $(cat err.txt)"; continue; fi
  check_keys "$library"
  # OpenSSL reopens every leaf key to keep it: a second run keeps everything, creates nothing.
  out=$("$KPKI" init --config cluster.yaml --dir "$library" --leaf-key-library openssl 2>&1) \
    || fail "re-run over $library keys: $out"
  if printf '%s\n' "$out" | tail -1 | grep -qE '(^|[^0-9])0 created'; then pass
  else fail "re-run over $library keys did not keep them: $(printf '%s\n' "$out" | tail -1)"; fi
done

expect_error "unknown library" "leaf-key-library" \
  "$KPKI" init --config cluster.yaml --dir x --leaf-key-library gnutls

finish
