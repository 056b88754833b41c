#pragma once
// An existing private key put on a token (kpki ca import) with the attributes a key generated
// there gets (pkcs11_keygen.h): private, sensitive, not extractable, signing only, not modifiable
// where the token allows it, plus its public key object; one label and CKA_ID on both.
#include <openssl/evp.h>
#include <p11-kit/pkcs11.h>

#include <string>

#include "backends/pkcs11/pkcs11_keygen.h"
#include "backends/pkcs11/pkcs11_token.h"
#include "core/util/bytes.h"
#include "core/x509/algorithm.h"

namespace kpki {

// How the private key reaches the token. CreateObject: C_CreateObject with the key's components.
// Unwrap: for tokens that refuse plaintext private keys, the PKCS#8 is encrypted under a session
// AES key the token generates (C_Encrypt) and unwrapped inside the token (C_UnwrapKey).
enum class Pkcs11ImportMethod { Auto, CreateObject, Unwrap };

// Creates `key` (RSA or EC P-256/P-384; `alg` is its algorithm) on `token` through `session`
// (logged in). Auto tries C_CreateObject and unwraps when the token refuses it. Nothing is left
// on the token when it fails. Unsupported for Ed25519.
Pkcs11KeyPair import_key_pair(const Pkcs11Token& token, Pkcs11Session& session, EVP_PKEY* key,
                              Algorithm alg, const std::string& label, ByteView id,
                              Pkcs11ImportMethod method = Pkcs11ImportMethod::Auto);

}  // namespace kpki
