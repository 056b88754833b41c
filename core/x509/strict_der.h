#pragma once
// DER, not BER: a certificate or CSR kpki accepts must be encoded exactly as its fields re-encode.
// BER leniency (long-form or indefinite lengths, non-FF booleans, explicit defaults) lets two
// parsers read one file two ways, and the signature is over whatever bytes were there; a CA tool
// must see the same object every verifier sees.
#include <string>

#include "core/util/bytes.h"
#include "core/util/ossl_ptr.h"

namespace kpki {

// Throw InvalidInput ("<origin>: not DER-encoded ...") unless re-encoding `parsed` from its
// fields (not from OpenSSL's cached encoding) reproduces `der` byte for byte.
void require_canonical_der(const X509* parsed, ByteView der, const std::string& origin);
void require_canonical_der(const X509_REQ* parsed, ByteView der, const std::string& origin);

}  // namespace kpki
