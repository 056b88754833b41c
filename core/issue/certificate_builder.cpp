#include "core/issue/certificate_builder.h"

#include "core/util/error.h"
#include "core/x509/der_writer.h"
#include "core/x509/public_key.h"
#include "core/x509/serial.h"
#include "core/x509/spki.h"
#include "core/x509/x509_names.h"

namespace kpki {

namespace {

// Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }; the
// value's DER is what `write_value` appends inside the OCTET STRING.
template <class WriteValue>
void append_extension(Bytes& out, int nid, bool critical, WriteValue write_value) {
  size_t extension = der::begin(out, der::kSequence);
  der::append_oid(out, nid);
  if (critical) der::append_true(out);
  size_t value = der::begin(out, der::kOctetString);
  write_value(out);
  der::end(out, value);
  der::end(out, extension);
}

void append_serial(Bytes& out, const std::optional<Bytes>& requested) {
  Bytes serial = requested ? *requested : random_serial();
  if (serial.empty() || serial.size() > 20) {
    throw Error(ErrorCode::InvalidInput, "serial must be 1 to 20 octets");
  }
  bool zero = true;
  for (uint8_t octet : serial) zero = zero && octet == 0;
  if (zero) throw Error(ErrorCode::InvalidInput, "serial must be positive");
  der::append_unsigned_integer(out, serial);
}

void append_validity(Bytes& out, const Validity& validity) {
  if (validity.not_after <= validity.not_before) {
    throw Error(ErrorCode::InvalidInput, "validity: NotAfter must be later than NotBefore");
  }
  if (validity.not_after > kLastX509Time) {
    throw Error(ErrorCode::InvalidInput, "validity: NotAfter is past 9999-12-31");
  }
  size_t sequence = der::begin(out, der::kSequence);
  der::append_time(out, validity.not_before);
  der::append_time(out, validity.not_after);
  der::end(out, sequence);
}

void append_basic_constraints(Bytes& out, const CertificateRequest& request) {
  if (request.is_ca && request.path_length && *request.path_length < 0)
    throw Error(ErrorCode::InvalidInput, "path length must not be negative");
  append_extension(out, NID_basic_constraints, true, [&](Bytes& value) {
    size_t sequence = der::begin(value, der::kSequence);
    if (request.is_ca) {
      der::append_true(value);
      if (request.path_length)
        der::append_small_integer(value, static_cast<unsigned>(*request.path_length));
    }
    der::end(value, sequence);
  });
}

void append_key_usage(Bytes& out, unsigned usage) {
  // Bit numbers from RFC 5280 4.2.1.3, all in the first octet.
  const std::pair<unsigned, int> kBits[] = {
      {kDigitalSignature, 0}, {kKeyEncipherment, 2}, {kKeyCertSign, 5}, {kCrlSign, 6}};
  uint8_t bits = 0;
  for (auto [flag, bit] : kBits) {
    if (usage & flag) bits |= static_cast<uint8_t>(0x80 >> bit);
  }
  if (bits == 0) return;
  uint8_t unused = 0;  // DER: the trailing zero bits are not counted
  while (!(bits & (1u << unused))) ++unused;
  append_extension(out, NID_key_usage, true, [&](Bytes& value) {
    const uint8_t content[] = {unused, bits};
    der::append(value, der::kBitString, ByteView(content));
  });
}

void append_extended_key_usage(Bytes& out, const std::vector<ExtendedKeyUsage>& usages) {
  if (usages.empty()) return;
  append_extension(out, NID_ext_key_usage, false, [&](Bytes& value) {
    size_t sequence = der::begin(value, der::kSequence);
    for (auto usage : usages)
      der::append_oid(value,
                      usage == ExtendedKeyUsage::ServerAuth ? NID_server_auth : NID_client_auth);
    der::end(value, sequence);
  });
}

void append_key_identifiers(Bytes& out, const CertificateRequest& request,
                            const IssuerIdentity& issuer) {
  if (request.is_ca) {
    Bytes ski = sha1_key_identifier(request.subject_public_key);
    append_extension(out, NID_subject_key_identifier, false,
                     [&](Bytes& value) { der::append(value, der::kOctetString, ski); });
  }
  if (!issuer.name.empty() && !issuer.key_identifier.empty()) {
    append_extension(out, NID_authority_key_identifier, false, [&](Bytes& value) {
      size_t sequence = der::begin(value, der::kSequence);
      der::append(value, der::context(0), issuer.key_identifier);  // [0] IMPLICIT keyIdentifier
      der::end(value, sequence);
    });
  }
}

}  // namespace

Bytes build_tbs_certificate(const CertificateRequest& request, const IssuerIdentity& issuer,
                            ByteView signature_algorithm) {
  if (request.subject.common_name.empty() && request.sans.empty()) {
    throw Error(ErrorCode::InvalidInput, "a certificate needs a common name or a subjectAltName");
  }
  if (request.subject_public_key.empty())
    throw Error(ErrorCode::InvalidInput, "no public key to certify");
  Bytes out;
  out.reserve(1024);
  size_t tbs = der::begin(out, der::kSequence);
  size_t version = der::begin(out, der::context_constructed(0));
  der::append_small_integer(out, 2);  // v3
  der::end(out, version);
  append_serial(out, request.serial);
  out.insert(out.end(), signature_algorithm.begin(), signature_algorithm.end());

  Bytes subject;
  append_x509_name(subject, request.subject);
  ByteView issuer_name = issuer.name.empty() ? ByteView(subject) : issuer.name;
  out.insert(out.end(), issuer_name.begin(), issuer_name.end());
  append_validity(out, request.validity);
  out.insert(out.end(), subject.begin(), subject.end());
  append_subject_public_key_info(out, request.subject_public_key);

  size_t explicit_extensions = der::begin(out, der::context_constructed(3));
  size_t extensions = der::begin(out, der::kSequence);
  append_basic_constraints(out, request);
  append_key_usage(out, request.key_usage);
  append_extended_key_usage(out, request.extended_key_usage);
  if (!request.sans.empty()) {
    // RFC 5280 4.2.1.6: critical when the subject is empty (a Name with no attribute: 30 00).
    bool empty_subject = subject.size() == 2;
    append_extension(out, NID_subject_alt_name, empty_subject,
                     [&](Bytes& value) { append_general_names(value, request.sans); });
  }
  append_key_identifiers(out, request, issuer);
  der::end(out, extensions);
  der::end(out, explicit_extensions);
  der::end(out, tbs);
  return out;
}

}  // namespace kpki
