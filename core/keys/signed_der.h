#pragma once
// The signing step every signed X.509 object shares (certificates, CRLs): the TBS DER is signed by
// a Signer, the signature verified over exactly those bytes with the issuer's public key, and the
// object assembled around them as SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING }. OpenSSL never
// re-encodes the result, so what was verified is what is returned. The Authority
// (core/issue/authority.h) is the one user: nothing else has a Signer sign a certificate or a CRL.
#include <string>

#include "core/keys/signer.h"
#include "core/util/bytes.h"
#include "core/util/ossl_ptr.h"

namespace kpki {

// The signer's AlgorithmIdentifier, decoded (CryptoError when malformed).
X509AlgorPtr decode_signature_algorithm(const Bytes& der);

// What signing does not change from one object to the next, prepared once: the signer's
// AlgorithmIdentifier decoded, its digest fetched, and a verification context initialised with
// the issuer's key that each signature copies. A fresh EVP_DigestVerifyInit per certificate
// fetches the algorithms again, and in OpenSSL 3.0 those fetches are lock traffic
// (pthread_rwlock_*) that showed in every profile of a large tree. Safe to use from several
// threads at once; `signer` and `verify_key` must outlive it.
class TbsSigner {
 public:
  TbsSigner(const Signer& signer, EVP_PKEY* verify_key);

  // Signs `tbs` (which already carries the signer's AlgorithmIdentifier inside), verifies the
  // signature and returns the assembled DER. Throws CryptoError, naming `what` ("certificate",
  // "CRL"), when the signature does not verify: such an object is never returned.
  Bytes sign(ByteView tbs, const std::string& what) const;

  const Signer& signer() const { return signer_; }
  const X509_ALGOR* algorithm() const { return algorithm_.get(); }
  // The signer's AlgorithmIdentifier in DER, re-encoded from its decoded form: the bytes a TBS
  // must carry inside, which sign() also writes outside it (RFC 5280 4.1.1.2: the two match).
  const Bytes& algorithm_der() const { return algorithm_der_; }

 private:
  const Signer& signer_;
  X509AlgorPtr algorithm_;
  Bytes algorithm_der_;
  OsslPtr<EVP_MD, EVP_MD_free> digest_;  // null for pure EdDSA
  EvpMdCtxPtr verify_prepared_;
};

}  // namespace kpki
