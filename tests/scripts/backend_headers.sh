#!/usr/bin/env bash
# No private backend header outside its backend (docs/architecture.md, "Public headers"): cli/,
# bench/, core/ and tests that do not test that backend include only the public headers at the
# top of backends/. The controls plant such includes in a copy of the tree and check that the
# checker refuses each, naming the file and the header, and that a backend's own test may.
source "$(dirname "$0")/lib/common.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
check=$KPKI_SOURCE_DIR/tools/check_backend_headers.py
expect_ok "the source tree includes no private backend header" python3 "$check" "$KPKI_SOURCE_DIR"

for d in core backends cli bench tests; do cp -r "$KPKI_SOURCE_DIR/$d" "$WORK/$d"; done
expect_ok "the copy passes before anything is planted" python3 "$check" "$WORK"

# plant FILE HEADER: the include must be refused, and the refusal name both.
plant() {
  local file=$1 header=$2 out
  cp "$WORK/$file" "$WORK/$file.orig"
  echo "#include \"$header\"" >> "$WORK/$file"
  out=$(python3 "$check" "$WORK" 2>&1) && fail "$file including $header passed the check" || pass
  case $out in
    *"$file includes $header"*) pass ;;
    *) fail "the refusal does not name $file and $header: $out" ;;
  esac
  mv "$WORK/$file.orig" "$WORK/$file"
}
plant cli/cmd_kubeconfig.cpp backends/openssl_file/file_key_manager.h
plant cli/bench/reference_openssl.cpp backends/pkcs11/pkcs11_objects.h
plant tests/unit/kube_init_test.cpp backends/botan/botan_key_manager.h
plant tests/unit/pkcs11_keys_test.cpp backends/botan/botan_signer.h
plant backends/botan/botan_signer.cpp backends/openssl_file/evp_signer.h
plant core/keys/signer.h backends/schemes/path_key_scheme.h

# A backend's own test, and a backend built on another, may.
echo '#include "backends/pkcs11/pkcs11_uri.h"' >> "$WORK/tests/unit/pkcs11_keys_test.cpp"
echo '#include "backends/pkcs11/pkcs11_module.h"' >> "$WORK/backends/libp11/libp11_signer.cpp"
expect_ok "a backend's own test and libp11 over pkcs11 pass" python3 "$check" "$WORK"
finish
