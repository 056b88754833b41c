#pragma once
// Conversions between DER SubjectPublicKeyInfo and OpenSSL keys, plus PEM output.
#include <string>

#include "core/util/bytes.h"
#include "core/util/ossl_ptr.h"

namespace kpki {

EvpPkeyPtr public_key_from_der(ByteView spki_der);  // throws InvalidInput
Bytes public_key_to_der(EVP_PKEY* key);
std::string public_key_pem(ByteView spki_der);  // "-----BEGIN PUBLIC KEY-----" (PKIX)
Bytes sha1_key_identifier(
    ByteView spki_der);  // SHA-1 of the subjectPublicKey BIT STRING (RFC 5280 4.2.1.2 method 1)

}  // namespace kpki
