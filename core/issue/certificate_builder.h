#pragma once
// Builds the unsigned certificate (every TBSCertificate field and extension) from a
// CertificateRequest with OpenSSL's X509 structures. Signing is someone else's job.
#include "core/util/bytes.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/certificate_request.h"

namespace kpki {

struct IssuerIdentity {
  const X509_NAME* name = nullptr;  // nullptr: self-signed, the issuer is the subject
  Bytes key_identifier;             // the issuer's SKI, for the leaf's AKI
};

// Validates the request (subject or SANs present, SANs well-formed, serial positive and at most
// 20 octets, NotBefore < NotAfter, a public key) and builds it. Throws InvalidInput naming the
// field.
X509Ptr build_unsigned_certificate(const CertificateRequest& request, const IssuerIdentity& issuer);

}  // namespace kpki
