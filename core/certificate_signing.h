#pragma once
// Turns an unsigned certificate into a signed one with any Signer: the signer's
// AlgorithmIdentifier goes into the TBS and outside it, the TBS DER is signed, the signature set,
// the signature verified over exactly those TBS bytes, and the certificate DER assembled around
// them. A certificate whose signature does not verify is never returned.
#include "core/certificate.h"
#include "core/ossl_ptr.h"
#include "core/signer.h"

namespace kpki {

// What signing does not change from one certificate to the next, prepared once: the signer's
// AlgorithmIdentifier decoded, its digest fetched, and a verification context initialised with
// the issuer's key that each certificate copies. A fresh EVP_DigestVerifyInit per certificate
// fetches the algorithms again, and in OpenSSL 3.0 those fetches are lock traffic
// (pthread_rwlock_*) that showed in every profile of a large tree. Safe to use from several
// threads at once; `signer` and `verify_key` must outlive it.
class SigningContext {
 public:
  SigningContext(const Signer& signer, EVP_PKEY* verify_key);
  // Throws CryptoError when the signature does not verify: such a certificate is never returned.
  Certificate sign(X509* unsigned_certificate) const;

 private:
  const Signer& signer_;
  X509AlgorPtr algorithm_;
  OsslPtr<EVP_MD, EVP_MD_free> digest_;  // null for pure EdDSA
  EvpMdCtxPtr verify_prepared_;
};

// One certificate: SigningContext(signer, verify_key).sign(x).
// `verify_key` is the issuer's public key (the signer's own for a self-signed certificate).
// Throws CryptoError when the signature does not verify: such a certificate is never returned.
Certificate sign_certificate(X509* unsigned_certificate, const Signer& signer,
                             EVP_PKEY* verify_key);

}  // namespace kpki
