#pragma once
// Builds the unsigned certificate (every TBSCertificate field and extension) from a
// CertificateRequest, written as DER directly (core/x509/der_writer.h). Signing is someone else's
// job.
#include "core/util/bytes.h"
#include "core/x509/certificate_request.h"

namespace kpki {

struct IssuerIdentity {
  ByteView name;            // DER Name; empty: self-signed, the issuer is the subject
  ByteView key_identifier;  // the issuer's SKI, for the leaf's AKI
};

// Validates the request (subject or SANs present, SANs well-formed, serial positive and at most
// 20 octets, NotBefore < NotAfter, a public key) and returns its TBSCertificate DER, carrying
// `signature_algorithm` (the signer's AlgorithmIdentifier DER). Throws InvalidInput naming the
// field.
Bytes build_tbs_certificate(const CertificateRequest& request, const IssuerIdentity& issuer,
                            ByteView signature_algorithm);

}  // namespace kpki
