#pragma once
// Splits a DER Certificate into its three top-level parts so tests can say "equal except for the
// signature" precisely.
#include "core/util/bytes.h"

namespace kpki::testing {

struct CertificateParts {
  Bytes tbs;                  // TBSCertificate, tag and length included
  Bytes signature_algorithm;  // AlgorithmIdentifier
  Bytes signature;            // BIT STRING
};

// Throws std::runtime_error on anything that is not SEQUENCE { SEQUENCE, SEQUENCE, BIT STRING }.
CertificateParts split_certificate(ByteView der);

}  // namespace kpki::testing
