#!/usr/bin/env bash
# kpki revoke + kpki crl against verifiers that share no code with kpki: for an RSA, an ECDSA and
# an Ed25519 CA (key files) and an ECDSA CA on a SoftHSM token, every CRL passes
# `openssl crl -verify`, `certtool --crl-info` and `certtool --verify-crl`; `openssl verify
# -crl_check` refuses the revoked certificates and accepts the others; `kpki verify --crl` does
# the same with a one-line error naming serial and reason; CRL numbers increase; a tampered CRL,
# a missing ledger, an existing --out, a nextUpdate past 9999 and a CA without cRLSign are
# one-line errors.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
command -v certtool >/dev/null || { echo "SKIP: certtool not installed (gnutls-bin)"; exit 77; }

serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
crl_text() { openssl crl -in "$1" -noout -text; }
# openssl crl -verify exits 0 even on "verify failure" (OpenSSL 3.0): its words decide.
crl_verifies() {  # crl_verifies CRL CA [DER]
  openssl crl ${3:+-inform DER} -in "$1" -noout -verify -CAfile "$2" 2>&1 | grep -qx "verify OK"
}

# check_ca DIR CA_KEY LABEL: issue three clients, revoke two, publish CRLs and check them.
check_ca() {
  local d=$1 ca_key=$2 what=$3 n
  export KPKI_LEDGER="$d/ledger.db"
  for n in 1 2 3; do
    expect_ok "$what issue client$n" "$KPKI" issue --ca-cert "$d/ca.crt" --ca-key "$ca_key" \
      --profile client --cn "client$n" --key "$d/client$n.key" --out "$d/client$n.crt"
  done
  # An empty CRL first (number 1): every certificate is good.
  expect_ok "$what empty crl" "$KPKI" crl --ca-cert "$d/ca.crt" --ca-key "$ca_key" --out "$d/crl.pem"
  expect_ok "$what openssl crl -verify (empty)" crl_verifies "$d/crl.pem" "$d/ca.crt"
  expect_ok "$what empty CRL accepted" openssl verify -crl_check -CAfile "$d/ca.crt" -CRLfile "$d/crl.pem" "$d/client1.crt"
  crl_text "$d/crl.pem" | grep -q "No Revoked Certificates" && pass || fail "$what: empty CRL lists something"

  expect_ok "$what revoke client1" "$KPKI" revoke "$(serial_of "$d/client1.crt")" --reason keyCompromise
  expect_ok "$what revoke client2" "$KPKI" revoke "$(serial_of "$d/client2.crt")" --reason superseded
  expect_error "$what crl without --force" "already exists" \
    "$KPKI" crl --ca-cert "$d/ca.crt" --ca-key "$ca_key" --out "$d/crl.pem"
  expect_ok "$what crl" "$KPKI" crl --ca-cert "$d/ca.crt" --ca-key "$ca_key" --out "$d/crl.pem" --force --next-update 48h
  local text
  text=$(crl_text "$d/crl.pem")
  expect_ok "$what openssl crl -verify" crl_verifies "$d/crl.pem" "$d/ca.crt"
  grep -q "Version 2" <<<"$text" && pass || fail "$what: not a v2 CRL: $text"
  grep -A1 "X509v3 CRL Number" <<<"$text" | grep -qx " *2" && pass || fail "$what: CRL number is not 2: $text"
  grep -c "Serial Number" <<<"$text" | grep -qx 2 && pass || fail "$what: expected 2 entries: $text"
  grep -q "Key Compromise" <<<"$text" && grep -q "Superseded" <<<"$text" && pass || fail "$what: reasons missing: $text"
  local ski aki
  ski=$(openssl x509 -in "$d/ca.crt" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' ')
  aki=$(grep -A1 "Authority Key Identifier" <<<"$text" | tail -1 | tr -d ' ' | sed 's/^keyid://')
  [ -n "$ski" ] && [ "$ski" = "$aki" ] && pass || fail "$what: AKI '$aki' is not the CA's SKI '$ski'"
  expect_ok "$what nextUpdate 48h after lastUpdate" python3 - "$d/crl.pem" <<'PY'
import subprocess, sys
from datetime import datetime
out = subprocess.run(["openssl", "crl", "-in", sys.argv[1], "-noout", "-lastupdate", "-nextupdate"],
                     capture_output=True, text=True, check=True).stdout.split("\n")
t = {l.split("=")[0]: datetime.strptime(l.split("=", 1)[1], "%b %d %H:%M:%S %Y GMT") for l in out if "=" in l}
sys.exit(0 if (t["nextUpdate"] - t["lastUpdate"]).total_seconds() == 48 * 3600 else 1)
PY
  local info
  info=$(certtool --crl-info --infile "$d/crl.pem" 2>&1) && pass || fail "$what: certtool --crl-info: $info"
  grep -q "Revoked certificates (2)" <<<"$info" && pass || fail "$what: certtool sees no 2 entries: $info"
  expect_ok "$what certtool --verify-crl" certtool --verify-crl --load-ca-certificate "$d/ca.crt" --infile "$d/crl.pem"

  for n in 1 2; do
    local out
    if out=$(openssl verify -crl_check -CAfile "$d/ca.crt" -CRLfile "$d/crl.pem" "$d/client$n.crt" 2>&1); then
      fail "$what: openssl accepted revoked client$n"
    else
      grep -q "certificate revoked" <<<"$out" && pass || fail "$what: openssl refused client$n oddly: $out"
    fi
  done
  expect_ok "$what openssl accepts client3" openssl verify -crl_check -CAfile "$d/ca.crt" -CRLfile "$d/crl.pem" "$d/client3.crt"
  expect_error "$what kpki verify refuses client1" \
    "client1.crt: verification failed: certificate revoked: serial $(serial_of "$d/client1.crt"), reason keyCompromise, on 20" \
    "$KPKI" verify --ca "$d/ca.crt" --crl "$d/crl.pem" "$d/client1.crt"
  expect_ok "$what kpki verify accepts client3" "$KPKI" verify --ca "$d/ca.crt" --crl "$d/crl.pem" "$d/client3.crt"

  # CRL numbers keep increasing.
  expect_ok "$what third crl" "$KPKI" crl --ca-cert "$d/ca.crt" --ca-key "$ca_key" --out "$d/crl3.pem"
  crl_text "$d/crl3.pem" | grep -A1 "X509v3 CRL Number" | grep -qx " *3" && pass || fail "$what: third CRL is not number 3"

  # A flipped bit in the signature: both verifiers refuse it.
  openssl crl -in "$d/crl.pem" -outform DER -out "$d/crl.der"
  python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[-3]^=1; open(sys.argv[2],"wb").write(b)' "$d/crl.der" "$d/bad.der"
  if crl_verifies "$d/bad.der" "$d/ca.crt" DER; then
    fail "$what: openssl accepted a tampered CRL"
  else pass; fi
  expect_error "$what kpki verify refuses a tampered CRL" "verification failed: CRL: CRL signature failure" \
    "$KPKI" verify --ca "$d/ca.crt" --crl "$d/bad.der" "$d/client3.crt"
  unset KPKI_LEDGER
}

for alg in rsa-2048 ecdsa-p256 ed25519; do
  d="$WORK/$alg"
  mkdir -p "$d"
  expect_ok "$alg ca create" "$KPKI" ca create --key "$d/ca.key" --algorithm "$alg" --cn "crl-ca-$alg" --out "$d/ca.crt"
  check_ca "$d" "$d/ca.key" "$alg"
done

# Errors: one line each, nothing written.
d="$WORK/ecdsa-p256"
expect_error "missing ledger" "ledger '$WORK/nope.db' does not exist" \
  "$KPKI" crl --ca-cert "$d/ca.crt" --ca-key "$d/ca.key" --ledger "$WORK/nope.db" --out "$WORK/x.pem"
expect_error "bad --next-update" "next-update" \
  "$KPKI" crl --ca-cert "$d/ca.crt" --ca-key "$d/ca.key" --out "$WORK/x.pem" --next-update soon
# X.509 time ends in 9999: a nextUpdate past it used to give a CRL OpenSSL cannot read.
expect_error "--next-update past 9999-12-31" "^kpki: error: --next-update: .* ends after 9999-12-31" \
  "$KPKI" crl --ca-cert "$d/ca.crt" --ca-key "$d/ca.key" --out "$WORK/x.pem" --next-update 2914000d
[ ! -e "$WORK/x.pem" ] && [ ! -e "$WORK/nope.db" ] && pass || fail "an error left a file behind"
# A CA as kubeadm makes them (keyCertSign without cRLSign): verifiers would refuse its CRLs.
mkdir -p "$WORK/nocrlsign"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/nocrlsign/ca.key" \
  -out "$WORK/nocrlsign/ca.crt" -subj /CN=old-ca -days 10 -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,digitalSignature" 2>/dev/null
chmod 600 "$WORK/nocrlsign/ca.key"
expect_error "CA without cRLSign" "ca.crt may not sign CRLs \(keyUsage lacks cRLSign\)" \
  "$KPKI" crl --ca-cert "$WORK/nocrlsign/ca.crt" --ca-key "$WORK/nocrlsign/ca.key" \
  --ledger "$d/ledger.db" --out "$WORK/x.pem"

# A CA whose key is on a SoftHSM token signs its CRLs on the token.
if softhsm_available; then
  make_token kpki-crl
  uri="pkcs11:token=kpki-crl;object=crl-ca?pin-source=file:$WORK/hsm/user-pin"
  d="$WORK/token"
  mkdir -p "$d"
  expect_ok "token ca create" "$KPKI" ca create --key "$uri" --generate --cn crl-token-ca --out "$d/ca.crt"
  check_ca "$d" "$uri" "token"
  find "$d" -name 'ca.key' | grep -q . && fail "a CA key file appeared for the token CA" || pass
else
  echo "SKIP (visible): SoftHSM part - SoftHSM or PKCS#11 support missing"
fi
finish
