#pragma once
// An issued or loaded X.509 certificate: the parsed OpenSSL object and its exact DER.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/util/bytes.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/certificate_request.h"

namespace kpki {

class Certificate {
 public:
  // Takes DER; throws InvalidInput (naming `origin`) when it does not parse or has trailing data.
  static Certificate from_der(ByteView der, const std::string& origin = "certificate");
  // Takes DER that kpki has just encoded and verified itself (the issuance path) and parses it only
  // when x509() is first needed: parsing decodes the public key, which in OpenSSL 3.0 costs more
  // than an ECDSA signature (see core/x509/spki.h), and most issued certificates are only written
  // out.
  static Certificate adopt_issued(Bytes der);
  // Takes one PEM CERTIFICATE block (the first, when there are several).
  static Certificate from_pem(const std::string& pem, const std::string& origin = "certificate");
  // Reads a PEM or DER file; errors name the file.
  static Certificate load(const std::string& path);
  // All certificates of a PEM bundle.
  static std::vector<Certificate> load_bundle(const std::string& path);

  // Parsed on first use for adopt_issued() certificates; safe to call from several threads.
  X509* x509() const;
  const Bytes& der() const { return der_; }
  std::string pem() const;

  Subject subject() const;
  SubjectAltNames subject_alt_names() const;
  Bytes public_key_der() const;
  std::vector<ExtendedKeyUsage> extended_key_usage() const;
  TimePoint not_before() const;
  TimePoint not_after() const;
  std::string serial_hex() const;
  bool is_ca() const;
  std::string fingerprint_sha256() const;  // "AB:CD:..."

 private:
  struct Parsed {
    std::once_flag once;
    X509Ptr x509;
  };
  Certificate(X509Ptr x509, Bytes der);
  Bytes der_;
  std::unique_ptr<Parsed> parsed_;  // behind a pointer so that Certificate stays movable
};

// Subject as one line in RFC 4514 form, each value escaped (escape_dn_value,
// core/util/display_text.h): "CN=kube-apiserver, O=system:masters"; a CN "eve, O=x" shows as
// "CN=eve\, O=x".
// SHA-256 of any DER (a certificate, a public key), as colon-separated upper-case hex.
std::string sha256_fingerprint(ByteView der);

std::string subject_to_string(const Subject& subject);

}  // namespace kpki
