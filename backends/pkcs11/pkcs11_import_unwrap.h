#pragma once
// The second way onto a token for an imported key: tokens that refuse a plaintext private key in
// C_CreateObject usually still unwrap one. A random AES-256 key becomes a session (not token)
// unwrap-only object; the PKCS#8 is wrapped with it in software (RFC 5649, OpenSSL) and unwrapped
// inside the token (C_UnwrapKey, CKM_AES_KEY_WRAP_PAD) with the CA key policy template. The AES
// key is wiped and its object destroyed at once, so the wrapped bytes are useless afterwards.
// (SoftHSM 2.6 unwraps only AES key wrap, not AES-CBC, so the token cannot do the encryption.)
#include <openssl/evp.h>
#include <p11-kit/pkcs11.h>

#include <string>
#include <vector>

#include "backends/pkcs11/pkcs11_objects.h"
#include "backends/pkcs11/pkcs11_token.h"
#include "core/util/bytes.h"
#include "core/x509/algorithm.h"

namespace kpki {

// The private key object unwrapped from `key`'s PKCS#8, with ca_private_key_policy (and
// CKA_MODIFIABLE=false where the token takes it). Throws naming the token on failure.
CK_OBJECT_HANDLE unwrap_private_key(const Pkcs11Token& token, Pkcs11Session& session, EVP_PKEY* key,
                                    Algorithm alg, const std::string& label, ByteView id);

}  // namespace kpki
