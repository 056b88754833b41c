#pragma once
// An issued or loaded X.509 certificate: the parsed OpenSSL object and its exact DER.
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/certificate_request.h"
#include "core/ossl_ptr.h"

namespace kpki {

class Certificate {
 public:
  // Takes DER; throws InvalidInput (naming `origin`) when it does not parse or has trailing data.
  static Certificate from_der(ByteView der, const std::string& origin = "certificate");
  // Takes one PEM CERTIFICATE block (the first, when there are several).
  static Certificate from_pem(const std::string& pem, const std::string& origin = "certificate");
  // Reads a PEM or DER file; errors name the file.
  static Certificate load(const std::string& path);
  // All certificates of a PEM bundle.
  static std::vector<Certificate> load_bundle(const std::string& path);

  X509* x509() const { return x509_.get(); }
  const Bytes& der() const { return der_; }
  std::string pem() const;

  Subject subject() const;
  SubjectAltNames subject_alt_names() const;
  Bytes public_key_der() const;
  std::vector<ExtendedKeyUsage> extended_key_usage() const;
  Clock::time_point not_before() const;
  Clock::time_point not_after() const;
  std::string serial_hex() const;
  bool is_ca() const;
  std::string fingerprint_sha256() const;  // "AB:CD:..."

 private:
  Certificate(X509Ptr x509, Bytes der) : x509_(std::move(x509)), der_(std::move(der)) {}
  X509Ptr x509_;
  Bytes der_;
};

// Subject as a one-line RFC 2253-ish string: "CN=kube-apiserver, O=system:masters".
std::string subject_to_string(const Subject& subject);

}  // namespace kpki
