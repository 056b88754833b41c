#pragma once
// Turns an unsigned certificate into a signed one with any Signer: the signer's
// AlgorithmIdentifier goes into the TBS and outside it, the TBS DER is signed, the signature set,
// the signature verified over exactly those TBS bytes, and the certificate DER assembled around
// them. A certificate whose signature does not verify is never returned.
#include "core/keys/signed_der.h"
#include "core/keys/signer.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/certificate.h"

namespace kpki {

// A signing context prepared once per issuer (core/keys/signed_der.h: algorithm decoded, digest
// fetched, verification context initialised) that signs certificate after certificate. Safe to use
// from several threads at once; `signer` and `verify_key` (the issuer's public key: the signer's
// own for a self-signed certificate) must outlive it. The Authority's signing part
// (core/issue/authority.h).
class SigningContext {
 public:
  SigningContext(const Signer& signer, EVP_PKEY* verify_key);
  // Throws CryptoError when the signature does not verify: such a certificate is never returned.
  Certificate sign(X509* unsigned_certificate) const;

 private:
  TbsSigner tbs_signer_;
};

}  // namespace kpki
