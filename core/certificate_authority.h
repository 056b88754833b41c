#pragma once
// The issuance pipeline: request -> TBS (OpenSSL X509 structures) -> Signer -> assembled
// certificate -> verified with the issuer's public key. A certificate whose signature does not
// verify is never returned.
#include <memory>

#include "core/certificate.h"
#include "core/certificate_request.h"
#include "core/certificate_signing.h"
#include "core/signer.h"

namespace kpki {

class CertificateAuthority {
 public:
  // Checks, once, everything that does not change per certificate: the certificate is a CA
  // (basicConstraints CA:TRUE, keyCertSign), is valid now, and matches the signer's public key.
  // Errors name `ca_origin` (the CA certificate's file).
  CertificateAuthority(Certificate ca_certificate, std::shared_ptr<const Signer> signer,
                       const std::string& ca_origin = "CA certificate");

  // Issues a certificate signed by this CA. NotAfter is capped at the CA's NotAfter.
  Certificate issue(const CertificateRequest& request) const;

  // Issues a self-signed certificate (a root CA) with `signer`'s key; request.subject_public_key
  // may be left empty and is then taken from the signer.
  static Certificate self_sign(CertificateRequest request, const Signer& signer);

  const Certificate& certificate() const { return certificate_; }
  const Signer& signer() const { return *signer_; }

 private:
  Certificate certificate_;
  std::shared_ptr<const Signer> signer_;
  EvpPkeyPtr public_key_;                    // parsed once, for re-verification
  Bytes key_identifier_;                     // the CA's SKI, for every leaf's AKI
  std::unique_ptr<SigningContext> signing_;  // prepared once for every certificate it issues
};

}  // namespace kpki
