#!/usr/bin/env bash
# The Trust issue's items on time and secrets at rest, through the CLI:
#  - validity is computed in 64-bit seconds (255500d ends in the 28th century, not 2141) and a
#    lifetime past 9999-12-31 is refused with a clear error;
#  - an encrypted key file, from either software backend, is PBES2 with 600,000 PBKDF2-SHA256
#    iterations, and each backend opens the other's;
#  - a key file, passphrase file or PIN file open to group or others is refused, naming the mode;
#  - kubeconfig user --out writes 0600 even under umask 000;
#  - a PIN prompt interrupted with Ctrl-C gives the terminal its echo back.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
cd "$WORK"
umask 077

# year_in DAYS: the UTC year DAYS days from now.
year_in() { date -u -d "@$(($(date +%s) + $1 * 86400))" +%Y; }
end_year() { openssl x509 -in "$1" -noout -enddate | sed -E 's/.* ([0-9]{4}) GMT$/\1/'; }

"$KPKI" key generate ca.key --algorithm ecdsa-p256 >/dev/null 2>&1
for days in 255500 86000 36500; do
  expect_ok "ca create --validity ${days}d" "$KPKI" ca create --key ca.key --cn "ca-$days" \
    --validity "${days}d" --out "ca-$days.crt"
  if [ "$(end_year "ca-$days.crt")" = "$(year_in "$days")" ]; then pass; else
    fail "--validity ${days}d: notAfter year $(end_year "ca-$days.crt"), expected $(year_in "$days")"
  fi
done
expect_error "validity past 9999-12-31" "--validity: .* ends after 9999-12-31" \
  "$KPKI" ca create --key ca.key --cn far --validity 3000000d --out far.crt
if [ -e far.crt ]; then fail "far.crt written"; else pass; fi
expect_error "issue past 9999" "--validity: .* ends after 9999-12-31" \
  "$KPKI" issue --ca-cert ca-255500.crt --ca-key ca.key --profile client --cn c \
  --validity 3000000d --key c.key --out c.crt
if [ -e c.crt ] || [ -e c.key ]; then fail "issue past 9999 left files"; else pass; fi

# PBES2 parameters of an encrypted PKCS#8 PEM file: "<prf> <iterations>".
pbes2_params() {
  local dump prf iter
  dump=$(openssl asn1parse -in "$1")
  prf=$(printf '%s\n' "$dump" | grep -o 'hmacWith[A-Z0-9]*' | head -1)
  iter=$(printf '%s\n' "$dump" | grep -m1 'INTEGER' | sed -E 's/.*:([0-9A-F]+)$/\1/')
  echo "$prf $((16#$iter))"
}
printf 'correct horse battery staple\n' >pass
for scheme in "" "botan:"; do
  name=${scheme:-file}; name=${name%:}
  expect_ok "$name encrypted key" "$KPKI" key generate "${scheme}enc-$name.key" \
    --algorithm ecdsa-p256 --passphrase-file pass
  got=$(pbes2_params "enc-$name.key")
  if [ "$got" = "hmacWithSHA256 600000" ]; then pass; else fail "$name key file PBES2: '$got'"; fi
done
expect_ok "botan opens the OpenSSL backend's key" "$KPKI" key public botan:enc-file.key \
  --passphrase-file pass --out a.pub
expect_ok "OpenSSL opens the Botan backend's key" "$KPKI" key public enc-botan.key \
  --passphrase-file pass --out b.pub

# Loose modes are refused, naming the mode and the fix; nothing is written.
cp ca.key loose.key && chmod 0640 loose.key
for scheme in "" "botan:"; do
  expect_error "${scheme:-file:} key 0640" "key file '.*loose.key' is mode 0640, open to group: chmod 600" \
    "$KPKI" issue --ca-cert ca-36500.crt --ca-key "${scheme}loose.key" --profile client --cn x \
    --key x.key --out x.crt
done
if [ -e x.crt ] || [ -e x.key ]; then fail "refused issue left files"; else pass; fi
chmod 0604 pass
expect_error "passphrase file 0604" "passphrase file '.*pass' is mode 0604, open to others" \
  "$KPKI" key public enc-file.key --passphrase-file pass --out c.pub
chmod 0600 pass

(umask 000 && "$KPKI" kubeconfig user --client-name jane --org developers --ca-cert ca-36500.crt \
  --ca-key ca.key --server https://127.0.0.1:6443 --out jane.conf 2>/dev/null)
if [ "$(stat -c %a jane.conf)" = 600 ]; then pass; else fail "jane.conf mode $(stat -c %a jane.conf)"; fi
grep -q "client-key-data" jane.conf && pass || fail "jane.conf has no key"
expect_error "kubeconfig user --out exists" "already exists" "$KPKI" kubeconfig user \
  --client-name jane --ca-cert ca-36500.crt --ca-key ca.key --server https://127.0.0.1:6443 \
  --out jane.conf

# Ctrl-C at the PIN prompt: echo is back afterwards (needs a token, so the PKCS#11 backend).
if softhsm_available; then
  make_token kpki-prompt
  chmod 0644 "$WORK/hsm/user-pin"
  expect_error "PIN file 0644" "PIN file '.*user-pin' is mode 0644, open to group and others" \
    "$KPKI" hsm keys "pkcs11:token=kpki-prompt?pin-source=file:$WORK/hsm/user-pin"
  chmod 0600 "$WORK/hsm/user-pin"
  out=$(python3 "$KPKI_SOURCE_DIR/tests/scripts/lib/prompt_interrupt.py" "$KPKI" hsm keys \
    "pkcs11:token=kpki-prompt" 2>&1) && pass || fail "prompt interrupt: $out"
fi
finish
