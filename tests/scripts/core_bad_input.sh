#!/usr/bin/env bash
# Every bad input named by the engine-core issue: a one-line error naming the file, URI or field,
# a non-zero exit, and nothing written.
source "$(dirname "$0")/lib/common.sh"
cd "$WORK"

"$KPKI" ca create --key ca.key --cn good-ca --out ca.crt 2>/dev/null
"$KPKI" ca create --key other.key --cn other-ca --out other.crt 2>/dev/null

# nothing_written FILE...: none of the files may exist afterwards.
nothing_written() {
  for f in "$@"; do
    if [ -e "$f" ]; then fail "left $f behind"; rm -f "$f"; else pass; fi
  done
}

issue() { "$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile server --cn leaf "$@"; }

expect_error "missing CA key" "missing.key" \
  "$KPKI" issue --ca-cert ca.crt --ca-key missing.key --profile server --cn x --key l.key --out l.crt
nothing_written l.key l.crt

printf 'not a key\n' > garbage.key
expect_error "unreadable CA key" "garbage.key" \
  "$KPKI" issue --ca-cert ca.crt --ca-key garbage.key --profile server --cn x --key l.key --out l.crt
nothing_written l.key l.crt

expect_error "CA cert does not match key" "does not match" \
  "$KPKI" issue --ca-cert ca.crt --ca-key other.key --profile server --cn x --key l.key --out l.crt
nothing_written l.key l.crt

expect_error "unknown algorithm" "unknown algorithm 'rsa-1024'" issue --algorithm rsa-1024 --key l.key --out l.crt
nothing_written l.key l.crt
expect_error "unknown algorithm for ca" "unknown algorithm" \
  "$KPKI" ca create --key n.key --algorithm dsa --cn x --out n.crt
nothing_written n.key n.crt

expect_error "invalid IP" "invalid IP address '10.0.0.300'" issue --ip 10.0.0.300 --key l.key --out l.crt
nothing_written l.key l.crt
expect_error "invalid DNS name" "invalid DNS name 'bad_name'" issue --dns bad_name --key l.key --out l.crt
nothing_written l.key l.crt
expect_error "invalid URI" "invalid URI" issue --uri "no scheme" --key l.key --out l.crt
expect_error "invalid email" "invalid email" issue --email nobody --key l.key --out l.crt
nothing_written l.key l.crt

expect_error "bad duration" "--validity: invalid duration '10y'" issue --validity 10y --key l.key --out l.crt
nothing_written l.key l.crt

# Existing output without --force: untouched.
echo original > taken.crt
# core says what exists; the CLI adds the hint for the verb's --force.
expect_error "existing output" "taken.crt' already exists \\(use --force to replace it\\)$" \
  issue --key l.key --out taken.crt
grep -qx original taken.crt && pass || fail "taken.crt was modified"
nothing_written l.key
expect_ok "existing output with --force" issue --key forced.key --out taken.crt --force
openssl x509 -in taken.crt -noout 2>/dev/null && pass || fail "--force did not write a certificate"

# Expired CA: our CA key, a certificate that ended in 2020 (openssl ca can back-date).
mkdir -p oldca && touch oldca/index.txt && echo 01 > oldca/serial
cat > oldca/ca.cnf <<'CNF'
[ca]
default_ca = d
[d]
database = oldca/index.txt
new_certs_dir = oldca
serial = oldca/serial
default_md = sha256
policy = p
x509_extensions = ext
[p]
commonName = supplied
[ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign
subjectKeyIdentifier = hash
CNF
openssl req -new -key ca.key -subj /CN=expired -out oldca/e.csr
openssl ca -batch -config oldca/ca.cnf -selfsign -keyfile ca.key -in oldca/e.csr \
  -startdate 20200101000000Z -enddate 20200102000000Z -out expired.crt 2>/dev/null
expect_error "expired CA" "expired.crt' expired on 2020-01-02" \
  "$KPKI" issue --ca-cert expired.crt --ca-key ca.key --profile server --cn x --key l.key --out l.crt
nothing_written l.key l.crt

# A certificate that is not a CA cannot issue.
issue --key leaf.key --out leaf.crt 2>/dev/null
expect_error "leaf as CA" "is not a CA" \
  "$KPKI" issue --ca-cert leaf.crt --ca-key leaf.key --profile server --cn x --key l.key --out l.crt
nothing_written l.key l.crt

# CSRs: malformed, bad signature, weak key.
printf -- '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n' > junk.csr
expect_error "malformed CSR" "junk.csr" \
  "$KPKI" sign --ca-cert ca.crt --ca-key ca.key --csr junk.csr --profile client --out s.crt
nothing_written s.crt
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout csr.key -subj /CN=tampered \
  -outform DER -out good.der 2>/dev/null
# Flip one byte of the signature (the last byte of the DER).
python3 - <<'PY'
data = bytearray(open("good.der", "rb").read())
data[-1] ^= 0x01
open("tampered.der", "wb").write(bytes(data))
PY
expect_error "CSR with bad signature" "tampered.der: CSR signature does not verify" \
  "$KPKI" sign --ca-cert ca.crt --ca-key ca.key --csr tampered.der --profile client --out s.crt
nothing_written s.crt
openssl req -new -newkey rsa:1024 -nodes -keyout weak.key -subj /CN=weak -out weak.csr 2>/dev/null
expect_error "weak CSR key" "weaker than policy" \
  "$KPKI" sign --ca-cert ca.crt --ca-key ca.key --csr weak.csr --profile client --out s.crt
nothing_written s.crt
expect_error "missing CSR" "nope.csr" \
  "$KPKI" sign --ca-cert ca.crt --ca-key ca.key --csr nope.csr --profile client --out s.crt

# Key URIs: unknown scheme, existing key without --force.
expect_error "unknown URI scheme" "unknown key URI scheme 'foo'" "$KPKI" key generate foo:bar
expect_error "existing key" "key file 'ca.key' already exists \\(use --force to replace it\\)$" \
  "$KPKI" key generate ca.key
# kpki hsm finds its capabilities through the key registry: a file key cannot list keys.
expect_error "hsm keys on a file URI" "the file key backend cannot list keys" "$KPKI" hsm keys ca.key
expect_error "profile ca via issue" "kpki ca create" \
  "$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile ca --cn x --key l.key --out l.crt
expect_error "unknown profile" "unknown profile 'admin'" \
  "$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile admin --cn x --key l.key --out l.crt
nothing_written l.key l.crt

# Encrypted keys need their passphrase file; with it they work.
printf 's3cret-passphrase\n' > pass.txt; chmod 600 pass.txt
expect_ok "encrypted key" "$KPKI" key generate enc.key --algorithm ecdsa-p256 --passphrase-file pass.txt
grep -q "ENCRYPTED PRIVATE KEY" enc.key && pass || fail "key not encrypted"
expect_error "encrypted key without passphrase" "encrypted" \
  "$KPKI" ca create --key enc.key --cn enc --out enc.crt
nothing_written enc.crt
expect_ok "encrypted key with passphrase" "$KPKI" ca create --key enc.key --key-passphrase-file pass.txt --cn enc --out enc.crt

expect_error "usage error is one line" "--cn is required" \
  "$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile server --key l.key --out l.crt
nothing_written l.key l.crt
rc=0; "$KPKI" issue --bogus-flag >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] && pass || fail "usage error exit code $rc, expected 2"
rc=0; "$KPKI" --help >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 0 ] && pass || fail "--help exit code $rc"

finish
