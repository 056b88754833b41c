#pragma once
// The second way onto a token for an imported key: tokens that refuse a plaintext private key in
// C_CreateObject usually still unwrap one. The token makes a session AES key, encrypts the PKCS#8
// under it (C_Encrypt, AES-CBC-PAD) and unwraps it (C_UnwrapKey) with the same policy template;
// the session key is destroyed afterwards, so the wrapped bytes are useless outside the call.
#include <openssl/evp.h>
#include <p11-kit/pkcs11.h>

#include <string>
#include <vector>

#include "backends/pkcs11/pkcs11_objects.h"
#include "backends/pkcs11/pkcs11_token.h"
#include "core/algorithm.h"
#include "core/bytes.h"

namespace kpki {

// The private key object unwrapped from `key`'s PKCS#8, with ca_private_key_policy (and
// CKA_MODIFIABLE=false where the token takes it). Throws naming the token on failure.
CK_OBJECT_HANDLE unwrap_private_key(const Pkcs11Token& token, Pkcs11Session& session, EVP_PKEY* key,
                                    Algorithm alg, const std::string& label, ByteView id);

}  // namespace kpki
