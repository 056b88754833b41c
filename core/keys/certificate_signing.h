#pragma once
// Turns an unsigned certificate into a signed one with any Signer: the TBS DER (which carries the
// signer's AlgorithmIdentifier inside) is signed, the signature verified over exactly those bytes,
// and the certificate DER assembled around them. A certificate whose signature does not verify is
// never returned.
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

  // The signer's AlgorithmIdentifier (DER), which the TBSCertificate must carry.
  const Bytes& signature_algorithm() const { return tbs_signer_.algorithm_der(); }

  // Signs a TBSCertificate carrying signature_algorithm(). Throws CryptoError when the signature
  // does not verify: such a certificate is never returned.
  Certificate sign(ByteView tbs) const;

 private:
  TbsSigner tbs_signer_;
};

}  // namespace kpki
