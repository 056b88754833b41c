#pragma once
// The TBSCertificate built the other way: with OpenSSL's X509 structures, encoded by OpenSSL.
// kpki writes its TBS DER directly (core/issue/certificate_builder.h); this independent encoder
// is the oracle its tests compare byte for byte.
#include "core/util/bytes.h"
#include "core/x509/certificate_request.h"

namespace kpki::testing {

// `issuer_name` empty: self-signed. Throws on what the builder would refuse.
Bytes openssl_tbs(const CertificateRequest& request, ByteView issuer_name,
                  ByteView issuer_key_identifier, ByteView signature_algorithm);

}  // namespace kpki::testing
