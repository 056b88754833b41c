#pragma once
// The signing step every signed X.509 object shares (certificates, CRLs): the TBS DER is signed by
// a Signer, the signature verified over exactly those bytes with the issuer's public key, and the
// object assembled around them as SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING }. OpenSSL never
// re-encodes the result, so what was verified is what is returned.
#include <string>

#include "core/bytes.h"
#include "core/ossl_ptr.h"
#include "core/signer.h"

namespace kpki {

// The signer's AlgorithmIdentifier, decoded (CryptoError when malformed).
X509AlgorPtr decode_signature_algorithm(const Bytes& der);

// Appends a DER tag and definite length.
void append_der_header(Bytes& out, uint8_t tag, size_t length);

// Signs `tbs` (which already carries the signer's AlgorithmIdentifier inside), verifies the
// signature with `verify_key` and returns the assembled DER. Throws CryptoError, naming `what`
// ("certificate", "CRL"), when the signature does not verify: such an object is never returned.
Bytes sign_tbs(ByteView tbs, const Signer& signer, const X509_ALGOR* algorithm,
               EVP_PKEY* verify_key, const std::string& what);

}  // namespace kpki
