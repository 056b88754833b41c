#pragma once
// libp11 0.4.12 gives up on a whole token when C_FindObjects returns a key type it does not know
// (Ed25519, CKK_EC_EDWARDS): PKCS11_enumerate_keys fails and no key of that token can be used.
// kpki hands its libp11 context a copy of the module's function list whose C_FindObjects leaves
// out key objects other than RSA and EC, so libp11 sees the token as if only those were on it.
// Nothing else changes: the raw driver and any other user of the module see everything.
#include <p11-kit/pkcs11.h>

namespace kpki {

// A function list equal to `real` except for the filtering C_FindObjects. Lives as long as the
// process. Throws DeviceError when more modules are filtered than kpki has room for (4).
CK_FUNCTION_LIST* filtered_function_list(CK_FUNCTION_LIST* real);

// True for key types libp11 0.4.12 can turn into an EVP_PKEY (CKK_RSA, CKK_EC).
inline bool libp11_understands_key_type(CK_KEY_TYPE type) {
  return type == CKK_RSA || type == CKK_EC;
}

}  // namespace kpki
