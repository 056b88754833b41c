#include "core/issue/crl_builder.h"

#include <algorithm>
#include <set>

#include "core/keys/signed_der.h"
#include "core/util/error.h"
#include "core/x509/certificate_request.h"
#include "core/x509/der_writer.h"
#include "core/x509/serial.h"

namespace kpki {

namespace {

// OpenSSL offers no setter for a CRL's inner signature AlgorithmIdentifier (the one inside the
// TBSCertList), which X509_CRL_sign fills from a private key kpki does not have. So the TBS is
// assembled here from fields OpenSSL encodes, in RFC 5280's order:
//   SEQUENCE { version v2, signature, issuer, thisUpdate, nextUpdate,
//              revokedCertificates SEQUENCE OF (absent when empty), [0] EXPLICIT crlExtensions }
template <class T, class Encode>
void append_encoded(Bytes& out, const T* value, Encode encode, const char* field) {
  unsigned char* data = nullptr;
  int len = encode(value, &data);
  if (len <= 0) throw_openssl_error(ErrorCode::CryptoError, std::string("cannot encode ") + field);
  OsslBytesPtr owner(data);
  out.insert(out.end(), data, data + len);
}

void append_wrapped(Bytes& out, uint8_t tag, const Bytes& content) {
  der::append_header(out, tag, content.size());
  out.insert(out.end(), content.begin(), content.end());
}

Asn1TimePtr asn1_time(TimePoint t) {
  // UTCTime through 2049, GeneralizedTime after, as RFC 5280 section 5.1.2.4 requires.
  Asn1TimePtr time(ASN1_TIME_set(nullptr, static_cast<std::time_t>(t.time_since_epoch().count())));
  if (!time) throw_openssl_error(ErrorCode::CryptoError, "cannot encode a CRL time");
  return time;
}

X509RevokedPtr make_entry(const RevokedEntry& entry) {
  if (entry.reason == RevocationReason::RemoveFromCrl) {
    throw Error(ErrorCode::InvalidInput,
                "revoked serial " + entry.serial + ": removeFromCRL belongs to delta CRLs");
  }
  X509RevokedPtr revoked(X509_REVOKED_new());
  Asn1IntegerPtr serial = serial_from_hex(entry.serial, "revoked serial");
  Asn1TimePtr date = asn1_time(entry.time);
  bool ok = revoked && X509_REVOKED_set_serialNumber(revoked.get(), serial.get()) &&
            X509_REVOKED_set_revocationDate(revoked.get(), date.get());
  if (ok && entry.reason != RevocationReason::Unspecified) {
    OsslPtr<ASN1_ENUMERATED, ASN1_ENUMERATED_free> code(ASN1_ENUMERATED_new());
    ok = code && ASN1_ENUMERATED_set(code.get(), static_cast<long>(entry.reason)) &&
         X509_REVOKED_add1_ext_i2d(revoked.get(), NID_crl_reason, code.get(), 0, 0) == 1;
  }
  if (!ok) throw_openssl_error(ErrorCode::CryptoError, "cannot encode revoked " + entry.serial);
  return revoked;
}

Bytes crl_extensions(ByteView key_id, uint64_t number) {
  X509ExtensionStackPtr extensions(sk_X509_EXTENSION_new_null());
  OsslPtr<AUTHORITY_KEYID, AUTHORITY_KEYID_free> aki(AUTHORITY_KEYID_new());
  Asn1IntegerPtr crl_number(ASN1_INTEGER_new());
  STACK_OF(X509_EXTENSION)* raw = extensions.get();
  bool ok = extensions && aki && crl_number && (aki->keyid = ASN1_OCTET_STRING_new()) &&
            ASN1_OCTET_STRING_set(aki->keyid, key_id.data(), static_cast<int>(key_id.size())) &&
            ASN1_INTEGER_set_uint64(crl_number.get(), number) &&
            X509V3_add1_i2d(&raw, NID_authority_key_identifier, aki.get(), 0, 0) == 1 &&
            X509V3_add1_i2d(&raw, NID_crl_number, crl_number.get(), 0, 0) == 1;
  if (!ok) throw_openssl_error(ErrorCode::CryptoError, "cannot encode CRL extensions");
  Bytes sequence;
  append_encoded(sequence, extensions.get(), i2d_X509_EXTENSIONS, "CRL extensions");
  return sequence;
}

Bytes revoked_sequence(const std::vector<RevokedEntry>& revoked) {
  // Ascending serial order: deterministic output, and the order OpenSSL itself sorts into.
  std::vector<std::pair<BignumPtr, X509RevokedPtr>> entries;
  std::set<std::string> seen;
  for (const auto& entry : revoked) {
    X509RevokedPtr encoded = make_entry(entry);
    BignumPtr bn(ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(encoded.get()), nullptr));
    std::string key = serial_to_hex(X509_REVOKED_get0_serialNumber(encoded.get()));
    if (!seen.insert(key).second) {
      throw Error(ErrorCode::InvalidInput, "revoked serial " + key + " is listed twice");
    }
    entries.emplace_back(std::move(bn), std::move(encoded));
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return BN_cmp(a.first.get(), b.first.get()) < 0; });
  Bytes content;
  for (const auto& [bn, entry] : entries) {
    append_encoded(content, entry.get(), i2d_X509_REVOKED, "revoked entry");
  }
  return content;
}

}  // namespace

Crl build_crl(const Authority& ca, const CrlRequest& request, const std::string& ca_origin) {
  return ca.issue_crl(request, ca_origin);
}

Bytes build_crl_tbs(const Certificate& ca, ByteView key_id, const Bytes& algorithm_der,
                    const CrlRequest& request, const std::string& ca_origin) {
  X509* ca_x509 = ca.x509();
  if ((X509_get_extension_flags(ca_x509) & EXFLAG_KUSAGE) &&
      !(X509_get_key_usage(ca_x509) & KU_CRL_SIGN)) {
    throw Error(ErrorCode::InvalidInput, ca_origin + " may not sign CRLs (keyUsage lacks cRLSign)");
  }
  if (request.next_update <= request.this_update) {
    throw Error(ErrorCode::InvalidInput, "CRL nextUpdate must be later than thisUpdate");
  }
  if (request.next_update > kLastX509Time) {
    throw Error(ErrorCode::InvalidInput,
                "CRL nextUpdate is after 9999-12-31, the last date X.509 can hold");
  }

  Bytes content{V_ASN1_INTEGER, 1, 1};  // version v2
  content.insert(content.end(), algorithm_der.begin(), algorithm_der.end());
  append_encoded(content, X509_get_subject_name(ca_x509), i2d_X509_NAME, "CRL issuer");
  append_encoded(content, asn1_time(request.this_update).get(), i2d_ASN1_TIME, "thisUpdate");
  append_encoded(content, asn1_time(request.next_update).get(), i2d_ASN1_TIME, "nextUpdate");
  Bytes revoked = revoked_sequence(request.revoked);
  if (!revoked.empty()) append_wrapped(content, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, revoked);
  append_wrapped(content, V_ASN1_CONTEXT_SPECIFIC | V_ASN1_CONSTRUCTED | 0,
                 crl_extensions(key_id, request.number));
  Bytes tbs;
  append_wrapped(tbs, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, content);
  return tbs;
}

}  // namespace kpki
