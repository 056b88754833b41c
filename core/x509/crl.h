#pragma once
// An X.509 v2 certificate revocation list (RFC 5280 section 5): the parsed OpenSSL object and its
// exact DER, with the fields kpki reads from it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/util/bytes.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/certificate_request.h"
#include "core/x509/revocation.h"

namespace kpki {

class Crl {
 public:
  // Takes DER; throws InvalidInput (naming `origin`) when it does not parse or has trailing data.
  static Crl from_der(ByteView der, const std::string& origin = "CRL");
  // Reads a PEM ("X509 CRL") or DER file holding one CRL; errors name the file.
  static Crl load(const std::string& path);

  X509_CRL* x509_crl() const { return crl_.get(); }
  const Bytes& der() const { return der_; }
  std::string pem() const;

  std::string issuer() const;  // one line, as subject_to_string
  TimePoint this_update() const;
  std::optional<TimePoint> next_update() const;
  std::optional<uint64_t> number() const;  // the cRLNumber extension
  Bytes authority_key_identifier() const;  // empty when absent
  std::vector<RevokedEntry> revoked() const;
  // The entry for a serial (hex, any case), if the CRL lists it.
  std::optional<RevokedEntry> find(const std::string& serial_hex) const;

  // True when the CRL's signature verifies with `issuer_key`.
  bool signature_verifies(EVP_PKEY* issuer_key) const;

 private:
  Crl(X509CrlPtr crl, Bytes der) : crl_(std::move(crl)), der_(std::move(der)) {}
  X509CrlPtr crl_;
  Bytes der_;
};

}  // namespace kpki
