#include "core/keys/certificate_signing.h"

namespace kpki {

SigningContext::SigningContext(const Signer& signer, EVP_PKEY* verify_key)
    : tbs_signer_(signer, verify_key) {}

Certificate SigningContext::sign(ByteView tbs) const {
  // Verified over the very bytes that go into the certificate, which is then assembled around
  // them rather than encoded by OpenSSL or parsed back (a public key decode in OpenSSL 3.0, see
  // core/x509/spki.h).
  return Certificate::adopt_issued(tbs_signer_.sign(tbs, "certificate"));
}

}  // namespace kpki
