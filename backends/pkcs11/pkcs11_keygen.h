#pragma once
// Key pair generation on the token, with the attributes a CA key must have: private, sensitive,
// never extractable, signing only (no decrypt, unwrap or derive).
#include <p11-kit/pkcs11.h>

#include <string>
#include <vector>

#include "backends/pkcs11/pkcs11_objects.h"
#include "backends/pkcs11/pkcs11_token.h"
#include "core/util/bytes.h"
#include "core/x509/algorithm.h"

namespace kpki {

struct Pkcs11KeyPair {
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
};

// Generates on `token` through `session` (logged in). CKA_LABEL = label and CKA_ID = id on both
// halves. Unsupported (naming the mechanism) when the token does not offer the generation.
Pkcs11KeyPair generate_key_pair(const Pkcs11Token& token, Pkcs11Session& session, Algorithm alg,
                                const std::string& label, ByteView id);

// The attributes of a CA key pair's halves (before key material and CKA_MODIFIABLE): public key
// verify-only; private key token, private, sensitive, not extractable, sign only (no decrypt,
// unwrap or derive). Generation and import (pkcs11_import.h) both use them.
std::vector<Pkcs11Attr> ca_public_key_policy(const std::string& label, ByteView id);
std::vector<Pkcs11Attr> ca_private_key_policy(const std::string& label, ByteView id);

// What a token answers to a template attribute it does not support (CKA_MODIFIABLE=false on some
// tokens): callers retry without the hardening attribute.
bool rejects_template(CK_RV rv);

}  // namespace kpki
