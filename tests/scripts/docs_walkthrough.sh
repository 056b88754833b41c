#!/usr/bin/env bash
# The setup walkthroughs as a user runs them (issue 23): docs/hsm.md's quick start, then
# docs/ca-lifecycle.md's one-key import, their code blocks extracted from the docs and run as
# written, one after the other, in one checkout-like directory with `kpki` on PATH (no build
# tree there: make-token.sh must find it on PATH) and a private SoftHSM directory (.hsm/ under
# $WORK). And `eval "$(hsm-setup/make-token.sh --keys)"` where no kpki exists fails visibly: the
# eval's status is non-zero, `set -e` stops the script, nothing is exported.
source "$(dirname "$0")/lib/common.sh"
for tool in softhsm2-util pkcs11-tool; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done
[ -r /usr/lib/softhsm/libsofthsm2.so ] || { echo "SKIP: no SoftHSM module"; exit 77; }
cd "$WORK"
unset SOFTHSM2_CONF KPKI_PKCS11_MODULE KPKI_LEDGER

# checkout DIR: a directory laid out as the repository's top (what the docs' commands expect),
# whose hsm-setup/ is the source tree's; make-token.sh puts .hsm/ there.
checkout() { mkdir -p "$1" && ln -s "$KPKI_SOURCE_DIR/hsm-setup" "$1/hsm-setup"; }

# --- no kpki anywhere: the eval fails loudly -----------------------------------------------------
checkout no-build
bare_path=/usr/sbin:/usr/bin:/sbin:/bin
if command -v kpki >/dev/null 2>&1 && [ "$(PATH=$bare_path command -v kpki)" != "" ]; then
  echo "SKIP: a kpki is installed system-wide"; exit 77
fi
out=$(cd no-build && PATH=$bare_path env -u KPKI bash -c 'set -e; eval "$(hsm-setup/make-token.sh --keys)"; echo reached' 2>&1) && rc=0 || rc=$?
[ "$rc" -ne 0 ] && pass || fail "set -e + eval of a failing make-token.sh: exit 0"
grep -q reached <<<"$out" && fail "the script went on after the failed eval: $out" || pass
grep -q "no kpki" <<<"$out" && pass || fail "make-token.sh did not say kpki is missing: $out"
out=$(cd no-build && PATH=$bare_path env -u KPKI bash -c 'eval "$(hsm-setup/make-token.sh --keys 2>/dev/null)"; echo "rc=$? conf=${SOFTHSM2_CONF:-}"')
[ "$out" = "rc=1 conf=" ] && pass || fail "interactive-style eval: '$out', expected rc=1 and no export"

# --- the walkthroughs, literally -----------------------------------------------------------------
# block FILE HEADING: the first ```sh block after the line HEADING, continuation lines joined;
# install-deps.sh (root, network) is left out: the test machine has the packages.
block() {
  awk -v h="$2" '$0 == h { found = 1; next } found && /^```sh/ { on = 1; next }
                 on && /^```/ { exit } on' "$KPKI_SOURCE_DIR/$1" |
    sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | grep -v '^hsm-setup/install-deps.sh'
}
block docs/hsm.md "## Quick start with a project-local SoftHSM token" > hsm.sh
block docs/ca-lifecycle.md "### One key" > import.sh
[ "$(grep -c kpki hsm.sh)" -ge 4 ] && pass || fail "hsm.md quick start not found: $(cat hsm.sh)"
[ "$(grep -c 'ca import' import.sh)" -ge 2 ] && pass || fail "ca-lifecycle.md import not found: $(cat import.sh)"

checkout repo
PATH_WITH_KPKI=$(dirname "$KPKI"):$bare_path
# Both blocks in one shell, as a user follows one doc after the other.
if out=$(cd repo && PATH=$PATH_WITH_KPKI env -u KPKI bash -c 'set -euo pipefail; source ../hsm.sh; source ../import.sh' 2>&1); then
  pass
else
  fail "the walkthroughs fail when followed in order: $out"
fi
[ -f repo/out/apiserver.crt ] && pass || fail "hsm.md quick start wrote no out/apiserver.crt"
[ -e repo/pki/ca.key ] && fail "ca import --remove-source left pki/ca.key" || pass
grep -q "kubernetes-ca" <<<"$out" && pass || fail "hsm keys of kube-import lists no kubernetes-ca: $out"
# The imported key signs what chains to the file CA's certificate.
key='pkcs11:token=kube-import;object=kubernetes-ca?pin-source=file:.hsm/user-pin'
if (cd repo && export SOFTHSM2_CONF=$PWD/.hsm/softhsm2.conf KPKI_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so &&
    "$KPKI" issue --ca-cert pki/ca.crt --ca-key "$key" --profile client --cn u --key u.key \
      --out u.crt 2>&1 && openssl verify -CAfile pki/ca.crt u.crt >/dev/null); then
  pass
else
  fail "the imported token key does not issue under pki/ca.crt"
fi
# Importing onto the label the quick start's token already uses says what to do instead.
out=$(cd repo && export SOFTHSM2_CONF=$PWD/.hsm/softhsm2.conf KPKI_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so &&
  "$KPKI" ca create --key other.key --cn other --out other.crt 2>&1 &&
  "$KPKI" ca import --key other.key --cert other.crt \
    --to 'pkcs11:token=kube-ca;object=kubernetes-ca?pin-source=file:.hsm/user-pin' 2>&1) && rc=0 || rc=$?
[ "$rc" -eq 5 ] && pass || fail "import onto an occupied label: exit $rc ($out)"
grep -q "another object= label or onto another token" <<<"$out" && pass ||
  fail "import onto an occupied label gives no next step: $out"
finish
