#pragma once
// PKCS#10 certificate signing requests: parsed, their self-signature checked, and reduced to what
// kpki takes from them (subject, SANs, public key). Usages never come from a CSR.
#include <string>

#include "core/util/bytes.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/algorithm.h"
#include "core/x509/certificate_request.h"

namespace kpki {

struct SigningRequest {
  Subject subject;
  SubjectAltNames sans;
  Bytes public_key_der;
};

// Throws InvalidInput naming `origin` for bad PEM/DER, a bad signature, unsupported subject
// attributes or malformed SANs.
SigningRequest parse_csr(ByteView pem_or_der, const std::string& origin);
SigningRequest load_csr(const std::string& path);

// Refuses keys weaker than policy or of unknown type (RSA < 2048 bits, curves other than
// P-256/P-384/P-521) and returns the key's type. Errors name `origin`.
KeyType check_public_key_policy(ByteView spki_der, const std::string& origin);

// Makes a CSR signed by `signer`'s key (used by tests and by `kpki csr`).
class Signer;
std::string make_csr_pem(const Subject& subject, const SubjectAltNames& sans, const Signer& signer);

// The same, also asking for `request`'s usages: basicConstraints, keyUsage (critical) and
// extendedKeyUsage in the extension request, so that a CA copying the CSR's extensions
// (`openssl x509 -req -copy_extensions copy`) issues exactly what was asked for. The subject,
// SANs and usages come from `request`; its public key must be `signer`'s.
std::string make_csr_pem(const CertificateRequest& request, const Signer& signer);

}  // namespace kpki
