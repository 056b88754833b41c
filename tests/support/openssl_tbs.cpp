#include "tests/support/openssl_tbs.h"

#include <openssl/x509v3.h>

#include <stdexcept>

#include "core/util/error.h"
#include "core/x509/public_key.h"
#include "core/x509/serial.h"
#include "core/x509/x509_names.h"

namespace kpki::testing {

namespace {

void check(bool ok, const char* what) {
  if (!ok) throw_openssl_error(ErrorCode::CryptoError, std::string("cannot set ") + what);
}

template <class T, auto FreeFn>
void add_extension(X509* x, int nid, const OsslPtr<T, FreeFn>& value, bool critical,
                   const char* what) {
  check(X509_add1_ext_i2d(x, nid, value.get(), critical ? 1 : 0, X509V3_ADD_DEFAULT) == 1, what);
}

void set_serial(X509* x, const std::optional<Bytes>& requested) {
  Bytes serial = requested ? *requested : random_serial();
  if (serial.empty() || serial.size() > 20) {
    throw Error(ErrorCode::InvalidInput, "serial must be 1 to 20 octets");
  }
  BignumPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  if (!bn || BN_is_zero(bn.get())) throw Error(ErrorCode::InvalidInput, "serial must be positive");
  Asn1IntegerPtr integer(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  check(integer && X509_set_serialNumber(x, integer.get()), "serial");
}

void set_validity(X509* x, const Validity& validity) {
  if (validity.not_after <= validity.not_before) {
    throw Error(ErrorCode::InvalidInput, "validity: NotAfter must be later than NotBefore");
  }
  if (validity.not_after > kLastX509Time) {
    throw Error(ErrorCode::InvalidInput, "validity: NotAfter is past 9999-12-31");
  }
  auto seconds = [](TimePoint t) { return static_cast<std::time_t>(t.time_since_epoch().count()); };
  check(ASN1_TIME_set(X509_getm_notBefore(x), seconds(validity.not_before)) != nullptr,
        "NotBefore");
  check(ASN1_TIME_set(X509_getm_notAfter(x), seconds(validity.not_after)) != nullptr, "NotAfter");
}

void add_basic_constraints(X509* x, const CertificateRequest& request) {
  OsslPtr<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free> bc(BASIC_CONSTRAINTS_new());
  check(bc != nullptr, "basicConstraints");
  bc->ca = request.is_ca ? 0xff : 0;
  if (request.is_ca && request.path_length) {
    if (*request.path_length < 0)
      throw Error(ErrorCode::InvalidInput, "path length must not be negative");
    bc->pathlen = ASN1_INTEGER_new();
    check(bc->pathlen && ASN1_INTEGER_set(bc->pathlen, *request.path_length), "pathLenConstraint");
  }
  add_extension(x, NID_basic_constraints, bc, true, "basicConstraints");
}

void add_key_usage(X509* x, unsigned usage) {
  if (usage == 0) return;
  OsslPtr<ASN1_BIT_STRING, ASN1_BIT_STRING_free> bits(ASN1_BIT_STRING_new());
  check(bits != nullptr, "keyUsage");
  // Bit numbers from RFC 5280 4.2.1.3.
  const std::pair<unsigned, int> kBits[] = {
      {kDigitalSignature, 0}, {kKeyEncipherment, 2}, {kKeyCertSign, 5}, {kCrlSign, 6}};
  for (auto [flag, bit] : kBits) {
    if (usage & flag) check(ASN1_BIT_STRING_set_bit(bits.get(), bit, 1), "keyUsage");
  }
  add_extension(x, NID_key_usage, bits, true, "keyUsage");
}

void add_extended_key_usage(X509* x, const std::vector<ExtendedKeyUsage>& usages) {
  if (usages.empty()) return;
  OsslPtr<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free> eku(sk_ASN1_OBJECT_new_null());
  check(eku != nullptr, "extendedKeyUsage");
  for (auto usage : usages) {
    int nid = usage == ExtendedKeyUsage::ServerAuth ? NID_server_auth : NID_client_auth;
    check(sk_ASN1_OBJECT_push(eku.get(), OBJ_nid2obj(nid)) > 0, "extendedKeyUsage");
  }
  add_extension(x, NID_ext_key_usage, eku, false, "extendedKeyUsage");
}

void add_key_identifiers(X509* x, const CertificateRequest& request, ByteView issuer_name,
                         ByteView issuer_key_identifier) {
  if (request.is_ca) {
    Bytes ski = sha1_key_identifier(request.subject_public_key);
    Asn1OctetStringPtr os(ASN1_OCTET_STRING_new());
    check(os && ASN1_OCTET_STRING_set(os.get(), ski.data(), static_cast<int>(ski.size())), "SKI");
    add_extension(x, NID_subject_key_identifier, os, false, "subjectKeyIdentifier");
  }
  if (!issuer_name.empty() && !issuer_key_identifier.empty()) {
    OsslPtr<AUTHORITY_KEYID, AUTHORITY_KEYID_free> akid(AUTHORITY_KEYID_new());
    check(akid != nullptr, "AKI");
    akid->keyid = ASN1_OCTET_STRING_new();
    check(akid->keyid && ASN1_OCTET_STRING_set(akid->keyid, issuer_key_identifier.data(),
                                               static_cast<int>(issuer_key_identifier.size())),
          "AKI");
    add_extension(x, NID_authority_key_identifier, akid, false, "authorityKeyIdentifier");
  }
}

}  // namespace

Bytes openssl_tbs(const CertificateRequest& request, ByteView issuer_name,
                  ByteView issuer_key_identifier, ByteView signature_algorithm) {
  X509Ptr x(X509_new());
  check(x && X509_set_version(x.get(), X509_VERSION_3), "version");
  set_serial(x.get(), request.serial);
  set_validity(x.get(), request.validity);
  X509_NAME* subject = X509_get_subject_name(x.get());
  fill_x509_name(subject, request.subject);
  if (issuer_name.empty()) {
    check(X509_set_issuer_name(x.get(), subject), "issuer");
  } else {
    const unsigned char* p = issuer_name.data();
    X509NamePtr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(issuer_name.size())));
    check(name && X509_set_issuer_name(x.get(), name.get()), "issuer");
  }
  EvpPkeyPtr key = public_key_from_der(request.subject_public_key);  // OpenSSL re-encodes it
  check(X509_set_pubkey(x.get(), key.get()) == 1, "public key");
  add_basic_constraints(x.get(), request);
  add_key_usage(x.get(), request.key_usage);
  add_extended_key_usage(x.get(), request.extended_key_usage);
  if (!request.sans.empty()) {
    GeneralNamesPtr names = make_general_names(request.sans);
    add_extension(x.get(), NID_subject_alt_name, names, X509_NAME_entry_count(subject) == 0,
                  "subjectAltName");
  }
  add_key_identifiers(x.get(), request, issuer_name, issuer_key_identifier);
  const unsigned char* p = signature_algorithm.data();
  X509AlgorPtr algorithm(
      d2i_X509_ALGOR(nullptr, &p, static_cast<long>(signature_algorithm.size())));
  check(algorithm && X509_ALGOR_copy(const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(x.get())),
                                     algorithm.get()),
        "signature algorithm");
  unsigned char* tbs = nullptr;
  int length = i2d_re_X509_tbs(x.get(), &tbs);
  check(length > 0, "TBS");
  OsslBytesPtr owner(tbs);
  return Bytes(tbs, tbs + length);
}

}  // namespace kpki::testing
