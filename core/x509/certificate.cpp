#include "core/x509/certificate.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "core/fs/file_io.h"
#include "core/util/display_text.h"
#include "core/util/error.h"
#include "core/util/time_format.h"
#include "core/x509/pem.h"
#include "core/x509/public_key.h"
#include "core/x509/serial.h"
#include "core/x509/strict_der.h"
#include "core/x509/x509_names.h"

namespace kpki {

Certificate::Certificate(X509Ptr x509, Bytes der)
    : der_(std::move(der)), parsed_(std::make_unique<Parsed>()) {
  parsed_->x509 = std::move(x509);
}

Certificate Certificate::adopt_issued(Bytes der) { return Certificate(nullptr, std::move(der)); }

X509* Certificate::x509() const {
  std::call_once(parsed_->once, [this] {
    if (!parsed_->x509)
      parsed_->x509 = std::move(from_der(der_, "issued certificate").parsed_->x509);
  });
  return parsed_->x509.get();
}

Certificate Certificate::from_der(ByteView der, const std::string& origin) {
  const unsigned char* p = der.data();
  X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x509)
    throw_openssl_error(ErrorCode::InvalidInput, origin + ": not a valid X.509 certificate");
  if (p != der.data() + der.size()) {
    throw Error(ErrorCode::InvalidInput, origin + ": trailing data after the certificate");
  }
  require_canonical_der(x509.get(), der, origin);
  return Certificate(std::move(x509), Bytes(der.begin(), der.end()));
}

Certificate Certificate::from_pem(const std::string& pem, const std::string& origin) {
  require_single_object(as_bytes(pem), origin, "certificate");
  for (auto& block : decode_pem(as_bytes(pem), origin)) {
    if (block.label == "CERTIFICATE") return from_der(block.der, origin);
  }
  throw Error(ErrorCode::InvalidInput, origin + ": no CERTIFICATE block");
}

Certificate Certificate::load(const std::string& path) {
  Bytes content = read_file(path);
  if (looks_like_pem(content)) return from_pem(std::string(content.begin(), content.end()), path);
  return from_der(content, path);
}

std::vector<Certificate> Certificate::load_bundle(const std::string& path) {
  Bytes content = read_file(path);
  std::vector<Certificate> out;
  if (!looks_like_pem(content)) {
    out.push_back(from_der(content, path));
    return out;
  }
  for (auto& block : decode_pem(content, path)) {
    if (block.label == "CERTIFICATE") out.push_back(from_der(block.der, path));
  }
  if (out.empty()) throw Error(ErrorCode::InvalidInput, path + ": no CERTIFICATE block");
  return out;
}

std::string Certificate::pem() const { return encode_pem("CERTIFICATE", der_); }

Subject Certificate::subject() const {
  return subject_from_x509_name(X509_get_subject_name(x509()), "certificate", false);
}

SubjectAltNames Certificate::subject_alt_names() const {
  int critical = -1;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(x509(), NID_subject_alt_name, &critical, nullptr)));
  // -1: no such extension. Otherwise a null result means it is duplicated or does not decode, and
  // showing "no SANs" for it would misstate what the certificate says.
  if (!names && critical == -1) return {};
  if (!names) {
    ERR_clear_error();
    throw Error(ErrorCode::InvalidInput,
                "certificate: subjectAltName extension is " +
                    std::string(critical == -2 ? "repeated" : "malformed"));
  }
  return sans_from_general_names(names.get(), "certificate", false);
}

Bytes Certificate::public_key_der() const {
  // The certificate's own SubjectPublicKeyInfo bytes: no EVP_PKEY round trip, which also works for
  // a certificate assembled in memory whose key was never decoded (see core/x509/spki.h).
  unsigned char* out = nullptr;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509()), &out);
  if (len <= 0)
    throw_openssl_error(ErrorCode::CryptoError, "cannot encode the certificate's public key");
  OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

std::vector<ExtendedKeyUsage> Certificate::extended_key_usage() const {
  std::vector<ExtendedKeyUsage> out;
  uint32_t flags = X509_get_extended_key_usage(x509());
  if (flags == UINT32_MAX) return out;  // no EKU extension
  if (flags & XKU_SSL_SERVER) out.push_back(ExtendedKeyUsage::ServerAuth);
  if (flags & XKU_SSL_CLIENT) out.push_back(ExtendedKeyUsage::ClientAuth);
  return out;
}

TimePoint Certificate::not_before() const { return to_time_point(X509_get0_notBefore(x509())); }
TimePoint Certificate::not_after() const { return to_time_point(X509_get0_notAfter(x509())); }

std::string Certificate::serial_hex() const {
  return serial_to_hex(X509_get0_serialNumber(x509()));
}

bool Certificate::is_ca() const { return X509_check_ca(x509()) == 1; }

std::string sha256_fingerprint(ByteView der) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(der.data(), der.size(), md, &len, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    char buf[4];
    std::snprintf(buf, sizeof buf, i ? ":%02X" : "%02X", md[i]);
    out += buf;
  }
  return out;
}

std::string Certificate::fingerprint_sha256() const { return sha256_fingerprint(der_); }

std::string subject_to_string(const Subject& subject) {
  std::string out;
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    if (!out.empty()) out += ", ";
    out += key;
    out += "=";
    out += escape_dn_value(value);
  };
  add("CN", subject.common_name);
  for (const auto& o : subject.organizations) add("O", o);
  for (const auto& ou : subject.organizational_units) add("OU", ou);
  add("L", subject.locality);
  add("ST", subject.state);
  add("C", subject.country);
  return out;
}

}  // namespace kpki
