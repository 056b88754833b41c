#include "core/x509/x509_names.h"

#include <openssl/err.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "core/util/display_text.h"
#include "core/util/error.h"
#include "core/x509/der_writer.h"
#include "core/x509/subject_alt_names.h"

namespace kpki {

namespace {

// The checks every subject attribute kpki writes passes (flags, configs, CSRs); false for an
// empty value, which is left out.
bool check_attribute(int nid, const std::string& value, const char* field) {
  if (value.empty()) return false;
  // A name with control, bidi or zero-width characters would show as something it is not.
  if (!is_printable_utf8(value)) {
    throw Error(
        ErrorCode::InvalidInput,
        std::string(field) + " '" + printable(value) +
            "' is not valid text (control, bidi or zero-width characters, or bad encoding)");
  }
  if (nid == NID_countryName && value.size() != 2) {
    throw Error(ErrorCode::InvalidInput,
                std::string(field) + " '" + value + "' must be a two-letter code");
  }
  if (value.size() > 64) {
    throw Error(ErrorCode::InvalidInput,
                std::string(field) + " '" + value + "' is longer than 64 characters");
  }
  return true;
}

// ASN1 UTF8String for free text, PrintableString for country, as RFC 5280 asks.
uint8_t string_type_of(int nid) {
  return nid == NID_countryName ? der::kPrintableString : der::kUtf8String;
}

void add_entry(X509_NAME* name, int nid, const std::string& value, const char* field) {
  if (!check_attribute(nid, value, field)) return;
  // MBSTRING_UTF8 checks the text and picks UTF8String (OpenSSL's default "utf8only" mask).
  int type = nid == NID_countryName ? V_ASN1_PRINTABLESTRING : MBSTRING_UTF8;
  if (!X509_NAME_add_entry_by_NID(name, nid, type,
                                  reinterpret_cast<const unsigned char*>(value.data()),
                                  static_cast<int>(value.size()), -1, 0)) {
    throw_openssl_error(ErrorCode::InvalidInput,
                        std::string(field) + " '" + value + "' cannot be encoded");
  }
}

// RelativeDistinguishedName ::= SET { SEQUENCE { type, value } }: one attribute a set, as
// add_entry makes them.
void append_attribute(Bytes& out, int nid, const std::string& value, const char* field) {
  if (!check_attribute(nid, value, field)) return;
  size_t set = der::begin(out, der::kSet);
  size_t attribute = der::begin(out, der::kSequence);
  der::append_oid(out, nid);
  der::append(out, string_type_of(nid), std::string_view(value));
  der::end(out, attribute);
  der::end(out, set);
}

// Every attribute of `subject` in the order of Go's crypto/x509: C, ST, L, O, OU, CN.
template <class Add>
void for_each_attribute(const Subject& subject, Add add) {
  add(NID_countryName, subject.country, "country");
  add(NID_stateOrProvinceName, subject.state, "state");
  add(NID_localityName, subject.locality, "locality");
  for (const auto& o : subject.organizations) add(NID_organizationName, o, "organization");
  for (const auto& ou : subject.organizational_units)
    add(NID_organizationalUnitName, ou, "organizational unit");
  add(NID_commonName, subject.common_name, "common name");
}

// The entry as UTF-8; nullopt when its bytes do not convert (e.g. a UTF8String that is not UTF-8).
// A single-valued attribute given twice would silently keep one of them ("CN=admin, CN=guest"
// certified as guest by one reader and admin by another); the same group twice is no honest
// request.
void refuse_repeated(std::vector<std::string>& seen, int nid, const std::string& value,
                     const std::string& origin) {
  bool single = nid == NID_commonName || nid == NID_countryName || nid == NID_stateOrProvinceName ||
                nid == NID_localityName;
  std::string key = std::to_string(nid) + (single ? "" : "=" + value);
  if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
    std::string what =
        single ? "more than one " + std::string(OBJ_nid2sn(nid)) + " attribute"
               : OBJ_nid2sn(nid) + std::string("=") + escape_dn_value(value) + " given twice";
    throw Error(ErrorCode::InvalidInput, origin + ": subject has " + what);
  }
  seen.push_back(key);
}

std::optional<std::string> entry_text(const X509_NAME_ENTRY* entry) {
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
  if (len < 0) {
    ERR_clear_error();
    return std::nullopt;
  }
  OsslBytesPtr owned(utf8);
  return std::string(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
}

bool add_general_name(GENERAL_NAMES* names, int type, ASN1_STRING* value) {
  GENERAL_NAME* gn = GENERAL_NAME_new();
  if (!gn) return false;
  GENERAL_NAME_set0_value(gn, type, value);
  if (!sk_GENERAL_NAME_push(names, gn)) {
    GENERAL_NAME_free(gn);
    return false;
  }
  return true;
}

ASN1_IA5STRING* ia5(const std::string& s) {
  ASN1_IA5STRING* str = ASN1_IA5STRING_new();
  if (str && !ASN1_STRING_set(str, s.data(), static_cast<int>(s.size()))) {
    ASN1_IA5STRING_free(str);
    return nullptr;
  }
  return str;
}

}  // namespace

X509NamePtr make_x509_name(const Subject& subject) {
  X509NamePtr name(X509_NAME_new());
  if (!name) throw_openssl_error(ErrorCode::CryptoError, "out of memory");
  fill_x509_name(name.get(), subject);
  return name;
}

void fill_x509_name(X509_NAME* name, const Subject& subject) {
  for_each_attribute(subject, [name](int nid, const std::string& value, const char* field) {
    add_entry(name, nid, value, field);
  });
}

void append_x509_name(Bytes& out, const Subject& subject) {
  size_t name = der::begin(out, der::kSequence);
  for_each_attribute(subject, [&out](int nid, const std::string& value, const char* field) {
    append_attribute(out, nid, value, field);
  });
  der::end(out, name);
}

Subject subject_from_x509_name(const X509_NAME* name, const std::string& origin, bool strict) {
  Subject subject;
  std::vector<std::string> seen;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    std::optional<std::string> text = entry_text(entry);
    // From a CSR, a name kpki cannot show faithfully (undecodable, control characters) is not
    // certified: it would forge log lines or terminal output wherever the certificate is shown.
    if (strict && (!text || !is_printable_utf8(*text))) {
      throw Error(ErrorCode::InvalidInput,
                  origin + ": subject attribute " + OBJ_nid2sn(nid) +
                      " is not valid text (control, bidi or zero-width characters, or bad "
                      "encoding): '" +
                      printable(text.value_or("")) + "'");
    }
    std::string value = text.value_or("");
    if (strict) refuse_repeated(seen, nid, value, origin);
    switch (nid) {
      case NID_commonName:
        subject.common_name = value;
        break;
      case NID_organizationName:
        subject.organizations.push_back(value);
        break;
      case NID_organizationalUnitName:
        subject.organizational_units.push_back(value);
        break;
      case NID_countryName:
        subject.country = value;
        break;
      case NID_stateOrProvinceName:
        subject.state = value;
        break;
      case NID_localityName:
        subject.locality = value;
        break;
      default:
        if (strict) {
          char oid[80];
          OBJ_obj2txt(oid, sizeof oid, X509_NAME_ENTRY_get_object(entry), 0);
          throw Error(ErrorCode::InvalidInput, origin + ": unsupported subject attribute " + oid +
                                                   " (kpki takes CN, O, OU, C, ST, L)");
        }
    }
  }
  return subject;
}

GeneralNamesPtr make_general_names(const SubjectAltNames& sans) {
  validate_subject_alt_names(sans);
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names) throw_openssl_error(ErrorCode::CryptoError, "out of memory");
  bool ok = true;
  for (const auto& d : sans.dns) ok = ok && add_general_name(names.get(), GEN_DNS, ia5(d));
  for (const auto& ip : sans.ips) {
    Bytes raw = parse_ip_address(ip);
    ASN1_OCTET_STRING* os = ASN1_OCTET_STRING_new();
    ok = ok && os && ASN1_OCTET_STRING_set(os, raw.data(), static_cast<int>(raw.size())) &&
         add_general_name(names.get(), GEN_IPADD, os);
  }
  for (const auto& u : sans.uris) ok = ok && add_general_name(names.get(), GEN_URI, ia5(u));
  for (const auto& e : sans.emails) ok = ok && add_general_name(names.get(), GEN_EMAIL, ia5(e));
  if (!ok) throw_openssl_error(ErrorCode::CryptoError, "cannot encode subjectAltName");
  return names;
}

void append_general_names(Bytes& out, const SubjectAltNames& sans) {
  validate_subject_alt_names(sans);
  // GeneralName CHOICE tags (RFC 5280 4.2.1.6), IMPLICIT on IA5String and OCTET STRING.
  constexpr uint8_t kEmail = der::context(1), kDns = der::context(2), kUri = der::context(6),
                    kIp = der::context(7);
  size_t names = der::begin(out, der::kSequence);
  for (const auto& d : sans.dns) der::append(out, kDns, std::string_view(d));
  for (const auto& ip : sans.ips) der::append(out, kIp, ByteView(parse_ip_address(ip)));
  for (const auto& u : sans.uris) der::append(out, kUri, std::string_view(u));
  for (const auto& e : sans.emails) der::append(out, kEmail, std::string_view(e));
  der::end(out, names);
}

SubjectAltNames sans_from_general_names(const GENERAL_NAMES* names, const std::string& origin,
                                        bool strict) {
  // Real certificates carry tens of names; thousands only make every later check quadratic and
  // every log line huge.
  constexpr int kMaxSans = 1000;
  if (sk_GENERAL_NAME_num(names) > kMaxSans) {
    throw Error(ErrorCode::InvalidInput,
                origin + ": " + std::to_string(sk_GENERAL_NAME_num(names)) +
                    " subjectAltNames (at most " + std::to_string(kMaxSans) + ")");
  }
  SubjectAltNames sans;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    auto text = [](const ASN1_STRING* s) {
      return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                         static_cast<size_t>(ASN1_STRING_length(s)));
    };
    switch (gn->type) {
      case GEN_DNS:
        sans.dns.push_back(text(gn->d.dNSName));
        break;
      case GEN_URI:
        sans.uris.push_back(text(gn->d.uniformResourceIdentifier));
        break;
      case GEN_EMAIL:
        sans.emails.push_back(text(gn->d.rfc822Name));
        break;
      case GEN_IPADD: {
        const ASN1_OCTET_STRING* ip = gn->d.iPAddress;
        ByteView raw(ASN1_STRING_get0_data(ip), static_cast<size_t>(ASN1_STRING_length(ip)));
        if (strict && raw.size() != 4 && raw.size() != 16) {
          throw Error(ErrorCode::InvalidInput,
                      origin + ": IP address SAN of " + std::to_string(raw.size()) + " bytes");
        }
        sans.ips.push_back(format_ip_address(raw));
        break;
      }
      default:
        if (strict) {
          throw Error(
              ErrorCode::InvalidInput,
              origin + ": unsupported subjectAltName type (kpki takes DNS, IP, URI and email)");
        }
    }
  }
  return sans;
}

}  // namespace kpki
