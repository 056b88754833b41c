#!/usr/bin/env bash
# For every algorithm: a CA plus server, client and peer certificates made by kpki pass OpenSSL's
# and GnuTLS's verifiers for their purpose and host.
source "$(dirname "$0")/lib/common.sh"
command -v certtool >/dev/null || { echo "SKIP: certtool (gnutls-bin) not installed"; exit 77; }

SERVER_OID=1.3.6.1.5.5.7.3.1
CLIENT_OID=1.3.6.1.5.5.7.3.2

for alg in rsa-2048 rsa-3072 rsa-4096 ecdsa-p256 ecdsa-p384 ed25519; do
  d="$WORK/$alg"; mkdir -p "$d"
  expect_ok "$alg ca create" "$KPKI" ca create --key "$d/ca.key" --algorithm "$alg" --cn "ca-$alg" --out "$d/ca.crt"
  for profile in server client peer; do
    # Leaf keys use the same algorithm as the CA: exercises every key type as subject too.
    expect_ok "$alg issue $profile" "$KPKI" issue --ca-cert "$d/ca.crt" --ca-key "$d/ca.key" --profile $profile \
      --cn "node-$profile" --dns "node.example.com" --ip 10.0.0.1 --ip ::1 \
      --algorithm "$alg" --key "$d/$profile.key" --out "$d/$profile.crt"
  done
  for profile in server peer; do
    expect_ok "$alg openssl sslserver $profile" openssl verify -x509_strict -purpose sslserver \
      -verify_hostname node.example.com -CAfile "$d/ca.crt" "$d/$profile.crt"
    expect_ok "$alg openssl ip $profile" openssl verify -x509_strict -purpose sslserver -verify_ip 10.0.0.1 \
      -CAfile "$d/ca.crt" "$d/$profile.crt"
    expect_ok "$alg certtool server $profile" certtool --verify --load-ca-certificate "$d/ca.crt" \
      --infile "$d/$profile.crt" --verify-hostname node.example.com --verify-purpose $SERVER_OID
    expect_ok "$alg kpki verify server $profile" "$KPKI" verify --ca "$d/ca.crt" "$d/$profile.crt" \
      --purpose server --host node.example.com
  done
  for profile in client peer; do
    expect_ok "$alg openssl sslclient $profile" openssl verify -x509_strict -purpose sslclient \
      -CAfile "$d/ca.crt" "$d/$profile.crt"
    expect_ok "$alg certtool client $profile" certtool --verify --load-ca-certificate "$d/ca.crt" \
      --infile "$d/$profile.crt" --verify-purpose $CLIENT_OID
  done
  # Negative: the verifiers must tell purposes and hosts apart, or the checks above prove nothing.
  expect_error "$alg openssl rejects client cert as server" "." \
    sh -c "openssl verify -x509_strict -purpose sslserver -CAfile '$d/ca.crt' '$d/client.crt' >/dev/null 2>&1 || { echo rejected; exit 1; }"
  expect_error "$alg certtool rejects wrong host" "." \
    sh -c "certtool --verify --load-ca-certificate '$d/ca.crt' --infile '$d/server.crt' --verify-hostname other.example.com >/dev/null 2>&1 || { echo rejected; exit 1; }"
  expect_error "$alg kpki verify rejects wrong host" "verification failed" \
    "$KPKI" verify --ca "$d/ca.crt" "$d/server.crt" --purpose server --host other.example.com
  expect_error "$alg kpki verify rejects client as server" "verification failed" \
    "$KPKI" verify --ca "$d/ca.crt" "$d/client.crt" --purpose server
  expect_ok "$alg ca self-verifies" openssl verify -x509_strict -CAfile "$d/ca.crt" "$d/ca.crt"
done

# A CSR signed by kpki sign keeps its subject and SANs, and the usages come from the profile.
d="$WORK/csr"; mkdir -p "$d"
expect_ok "csr ca" "$KPKI" ca create --key "$d/ca.key" --cn csr-ca --out "$d/ca.crt"
openssl req -new -newkey rsa:2048 -nodes -keyout "$d/node.key" -subj "/O=system:nodes/CN=system:node:w1" \
  -addext "subjectAltName=DNS:w1,IP:10.0.0.21" -addext "extendedKeyUsage=codeSigning" \
  -addext "basicConstraints=critical,CA:TRUE" -out "$d/node.csr" 2>/dev/null
# A node CSR: system:nodes and system:node:* are reserved, refused by default (docs/policy.md).
printf 'allowReserved:\n  commonNames: ["system:node:*"]\n' >"$d/policy.yaml"
expect_ok "sign csr" "$KPKI" sign --ca-cert "$d/ca.crt" --ca-key "$d/ca.key" --csr "$d/node.csr" --profile server --out "$d/node.crt" \
  --allow-group system:nodes --policy "$d/policy.yaml"
expect_ok "signed csr verifies" openssl verify -x509_strict -purpose sslserver -verify_ip 10.0.0.21 -CAfile "$d/ca.crt" "$d/node.crt"
text=$(openssl x509 -in "$d/node.crt" -noout -text)
grep -q "CA:FALSE" <<<"$text" && pass || fail "CSR's CA:TRUE leaked into the certificate"
grep -q "Code Signing" <<<"$text" && fail "CSR's EKU leaked into the certificate" || pass
grep -q "DNS:w1, IP Address:10.0.0.21" <<<"$text" && pass || fail "CSR SANs not copied: $text"
grep -qE "Subject: O ?= ?system:nodes, CN ?= ?system:node:w1" <<<"$text" && pass || fail "CSR subject not copied"

finish
