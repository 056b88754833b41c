#pragma once
// One certificate authority: its certificate, its Signer, the policy of what it certifies and the
// recorder of what it signs. It is the only code that has a Signer sign a certificate or a CRL,
// and each certificate passes the same steps: the policy is checked, the certificate built,
// signed, its signature verified with the CA's public key, and it is handed to the recorder,
// which stores its record before any file carrying it is installed
// (core/issue/issuance_recorder.h). A certificate whose signature does not verify is never
// returned.
#include <memory>
#include <string>

#include "core/issue/issuance_policy.h"
#include "core/issue/issuance_recorder.h"
#include "core/keys/certificate_signing.h"
#include "core/keys/signer.h"
#include "core/x509/certificate.h"
#include "core/x509/certificate_request.h"

namespace kpki {

class Crl;
struct CrlRequest;

struct AuthorityOptions {
  // The signing key's URI, as records name it (pin-value redacted there); "" when unknown.
  std::string key_uri;
  // What the Authority may certify (core/issue/issuance_policy.h).
  std::shared_ptr<const IssuancePolicy> policy = trusted_requests();
  // Where what it signs is recorded; null: nowhere. Must outlive the Authority.
  IssuanceRecorder* recorder = nullptr;
  // The CA certificate's origin (its file), for errors.
  std::string origin = "CA certificate";
  // The key's backend as records name it: the registry's name for the URI's scheme
  // (KeyRegistry::scheme_of), which alone knows who owns a plain path. Empty: key_backend_name.
  std::string backend = {};
};

// A signed certificate and the ticket a file carrying it passes to the writer
// (FileWrite::record), so that its record is stored before the file is installed.
struct Issued {
  Certificate certificate;
  RecordTicket record;
};

class Authority {
 public:
  // Checks, once, everything that does not change per certificate: the certificate is a CA
  // (basicConstraints CA:TRUE, keyCertSign), is valid now, and matches the signer's public key.
  // Errors name options.origin.
  Authority(Certificate ca_certificate, std::shared_ptr<const Signer> signer,
            AuthorityOptions options = {});

  // Issues a certificate signed by this CA. NotAfter is capped at the CA's NotAfter.
  Issued issue(const CertificateRequest& request) const;

  // A self-signed certificate (a root CA) for `signer`'s key, under `options` (policy, recorder,
  // key URI); request.subject_public_key may be left empty and is then taken from the signer.
  static Issued self_sign(CertificateRequest request, const Signer& signer,
                          const AuthorityOptions& options = {});

  // This CA's CRL (core/issue/crl_builder.h), signed and verified as certificates are. Not
  // recorded: the ledger is where its entries come from. Errors name `ca_origin`.
  Crl issue_crl(const CrlRequest& request, const std::string& ca_origin) const;

  const Certificate& certificate() const { return certificate_; }
  const Signer& signer() const { return *signer_; }
  // The CA's public key (parsed once) and key identifier (its SKI: every leaf's AKI, CRLs').
  EVP_PKEY* public_key() const { return public_key_.get(); }
  const Bytes& key_identifier() const { return key_identifier_; }

 private:
  Certificate certificate_;
  std::shared_ptr<const Signer> signer_;
  AuthorityOptions options_;
  std::string shown_key_uri_;  // options_.key_uri redacted, once
  std::string backend_;        // its scheme, once
  EvpPkeyPtr public_key_;      // parsed once, for verification
  Bytes key_identifier_;
  Bytes name_der_;  // the CA's subject DER, every issued certificate's issuer
  std::unique_ptr<SigningContext> signing_;  // prepared once for every certificate it issues
};

// The backend a key URI names when AuthorityOptions::backend is not given: the scheme before ':'
// (a built-in one or one an embedding program registered), "" for a plain path, whose backend
// only the key registry can name. No list of known schemes is consulted.
std::string key_backend_name(std::string_view key_uri);

}  // namespace kpki
