#include "core/x509/crl.h"

#include <openssl/err.h>

#include <algorithm>

#include "core/fs/file_io.h"
#include "core/util/error.h"
#include "core/util/time_format.h"
#include "core/x509/certificate.h"
#include "core/x509/pem.h"
#include "core/x509/serial.h"
#include "core/x509/x509_names.h"

namespace kpki {

namespace {

RevokedEntry entry_of(const X509_REVOKED* revoked) {
  RevokedEntry entry;
  entry.serial = serial_to_hex(X509_REVOKED_get0_serialNumber(revoked));
  entry.time = to_time_point(X509_REVOKED_get0_revocationDate(revoked));
  int critical = -1;
  OsslPtr<ASN1_ENUMERATED, ASN1_ENUMERATED_free> code(static_cast<ASN1_ENUMERATED*>(
      X509_REVOKED_get_ext_d2i(revoked, NID_crl_reason, &critical, nullptr)));
  if (code) entry.reason = reason_from_code(ASN1_ENUMERATED_get(code.get()));
  ERR_clear_error();
  return entry;
}

}  // namespace

Crl Crl::from_der(ByteView der, const std::string& origin) {
  const unsigned char* p = der.data();
  X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
  if (!crl) throw_openssl_error(ErrorCode::InvalidInput, origin + ": not a valid X.509 CRL");
  if (p != der.data() + der.size())
    throw Error(ErrorCode::InvalidInput, origin + ": trailing data after the CRL");
  return Crl(std::move(crl), Bytes(der.begin(), der.end()));
}

Crl Crl::load(const std::string& path) {
  Bytes content = read_file(path);
  if (!looks_like_pem(content)) return from_der(content, path);
  require_single_object(content, path, "CRL");
  for (auto& block : decode_pem(content, path)) {
    if (block.label == "X509 CRL") return from_der(block.der, path);
  }
  throw Error(ErrorCode::InvalidInput, path + ": no X509 CRL block");
}

std::string Crl::pem() const { return encode_pem("X509 CRL", der_); }

std::string Crl::issuer() const {
  return subject_to_string(subject_from_x509_name(X509_CRL_get_issuer(crl_.get()), "CRL", false));
}

TimePoint Crl::this_update() const { return to_time_point(X509_CRL_get0_lastUpdate(crl_.get())); }

std::optional<TimePoint> Crl::next_update() const {
  const ASN1_TIME* t = X509_CRL_get0_nextUpdate(crl_.get());
  if (!t) return std::nullopt;
  return to_time_point(t);
}

std::optional<uint64_t> Crl::number() const {
  int critical = -1;
  Asn1IntegerPtr number(static_cast<ASN1_INTEGER*>(
      X509_CRL_get_ext_d2i(crl_.get(), NID_crl_number, &critical, nullptr)));
  uint64_t value = 0;
  if (!number || ASN1_INTEGER_get_uint64(&value, number.get()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return value;
}

Bytes Crl::authority_key_identifier() const {
  int critical = -1;
  OsslPtr<AUTHORITY_KEYID, AUTHORITY_KEYID_free> aki(static_cast<AUTHORITY_KEYID*>(
      X509_CRL_get_ext_d2i(crl_.get(), NID_authority_key_identifier, &critical, nullptr)));
  if (!aki || !aki->keyid) {
    ERR_clear_error();
    return {};
  }
  const unsigned char* data = ASN1_STRING_get0_data(aki->keyid);
  return Bytes(data, data + ASN1_STRING_length(aki->keyid));
}

std::vector<RevokedEntry> Crl::revoked() const {
  std::vector<RevokedEntry> out;
  STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl_.get());
  for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
    out.push_back(entry_of(sk_X509_REVOKED_value(entries, i)));
  }
  return out;
}

std::optional<RevokedEntry> Crl::find(const std::string& serial_hex) const {
  Asn1IntegerPtr serial = serial_from_hex(serial_hex);
  X509_REVOKED* entry = nullptr;
  if (X509_CRL_get0_by_serial(crl_.get(), &entry, serial.get()) != 1 || !entry) return std::nullopt;
  return entry_of(entry);
}

bool Crl::signature_verifies(EVP_PKEY* issuer_key) const {
  bool ok = X509_CRL_verify(crl_.get(), issuer_key) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace kpki
