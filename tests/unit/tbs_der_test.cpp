// The TBSCertificate kpki writes as DER (core/issue/certificate_builder.h) against the one
// OpenSSL's X509 structures encode from the same request (tests/support/openssl_tbs.h): byte for
// byte, over requests that reach every field, every length form and both time types.
#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/pem.h>

#include <random>

#include "core/issue/certificate_builder.h"
#include "core/util/error.h"
#include "core/x509/der_writer.h"
#include "core/x509/pem.h"
#include "core/x509/public_key.h"
#include "core/x509/x509_names.h"
#include "tests/support/openssl_tbs.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

std::string hex(ByteView bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

struct Keys {
  std::vector<std::shared_ptr<const Signer>> all = {
      testing::make_signer(Algorithm::EcdsaP256), testing::make_signer(Algorithm::EcdsaP384),
      testing::make_signer(Algorithm::Rsa2048), testing::make_signer(Algorithm::Ed25519)};
};

const Keys& keys() {
  static const Keys k;
  return k;
}

CertificateRequest random_request(std::mt19937& rng) {
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  CertificateRequest r;
  const std::string names[] = {"kube-apiserver", "Zürich Ops", std::string(64, 'n'), "a"};
  if (pick(5)) r.subject.common_name = names[pick(4)];
  for (int i = pick(3); i > 0; --i)
    r.subject.organizations.push_back(i == 1 ? "system:masters" : "Ökonomie " + std::to_string(i));
  if (pick(3) == 0) r.subject.organizational_units.push_back("ops");
  if (pick(3) == 0) r.subject.country = "DE";
  if (pick(4) == 0) r.subject.state = "Bavaria";
  if (pick(4) == 0) r.subject.locality = "München";
  for (int i = pick(4) == 0 ? 20 : pick(4); i > 0; --i)  // 20 names: a two-octet length
    r.sans.dns.push_back("node-" + std::to_string(i) + ".cluster.local");
  if (pick(2)) r.sans.ips = {"10.96.0.1", "fd00::1"};
  if (pick(5) == 0) r.sans.uris = {"spiffe://cluster.local/ns/x"};
  if (pick(5) == 0) r.sans.emails = {"ops@example.com"};
  if (r.subject.common_name.empty() && r.sans.empty()) r.sans.dns.push_back("only-a-san");
  r.is_ca = pick(3) == 0;
  if (r.is_ca && pick(2)) r.path_length = pick(3) == 0 ? 300 : pick(3);
  r.key_usage = static_cast<unsigned>(pick(16));
  for (int i = pick(3); i > 0; --i)
    r.extended_key_usage.push_back(pick(2) ? ExtendedKeyUsage::ServerAuth
                                           : ExtendedKeyUsage::ClientAuth);
  const TimePoint starts[] = {TimePoint{seconds(-631152000 - 1)},  // 1949-12-31T23:59:59Z
                              TimePoint{seconds(-631152000)},      // 1950-01-01
                              now_seconds(),
                              TimePoint{seconds(2524607999)}};  // 2049-12-31T23:59:59Z
  r.validity.not_before = starts[pick(4)];
  const seconds lifetimes[] = {seconds(1), hours(24 * 365), hours(24 * 365 * 100)};
  r.validity.not_after = r.validity.not_before + lifetimes[pick(3)];
  if (pick(10) == 0) r.validity.not_after = kLastX509Time;
  r.subject_public_key = keys().all[static_cast<size_t>(pick(4))]->public_key_der();
  Bytes serial(static_cast<size_t>(1 + pick(20)));
  for (auto& octet : serial) octet = static_cast<uint8_t>(rng());
  if (pick(4) == 0) serial[0] = 0;      // a leading zero the INTEGER drops
  if (pick(4) == 0) serial[0] |= 0x80;  // a top bit the INTEGER pads
  serial.back() |= 1;                   // positive
  r.serial = serial;
  return r;
}

Bytes name_der(const Subject& subject) {
  X509NamePtr name = make_x509_name(subject);
  unsigned char* der = nullptr;
  int length = i2d_X509_NAME(name.get(), &der);
  OsslBytesPtr owner(der);
  return Bytes(der, der + length);
}

TEST(TbsDer, MatchesOpenSslsEncodingByteForByte) {
  std::mt19937 rng(20261207);
  Subject ca;
  ca.common_name = "kubernetes";
  ca.organizations = {"kpki"};
  const Bytes issuer_name = name_der(ca);
  const Bytes key_identifier(20, 0x5a);
  for (int i = 0; i < 1500; ++i) {
    CertificateRequest request = random_request(rng);
    ByteView algorithm = keys().all[static_cast<size_t>(i % 4)]->signature_algorithm();
    ByteView issuer = i % 3 == 0 ? ByteView() : ByteView(issuer_name);  // a third self-signed
    Bytes expected = testing::openssl_tbs(request, issuer, key_identifier, algorithm);
    Bytes built = build_tbs_certificate(request, IssuerIdentity{issuer, key_identifier}, algorithm);
    ASSERT_EQ(hex(built), hex(expected)) << "request " << i;
  }
}

// The request's own name, written directly, is the one OpenSSL encodes from the same Subject.
TEST(TbsDer, NamesMatchOpenSsl) {
  Subject s;
  s.common_name = std::string(64, 'c');
  s.organizations = {"system:masters", "Ökonomie"};
  s.organizational_units = {"ops"};
  s.country = "DE";
  s.state = "Bavaria";
  s.locality = "München";
  Bytes direct;
  append_x509_name(direct, s);
  EXPECT_EQ(hex(direct), hex(name_der(s)));
  Bytes empty;
  append_x509_name(empty, Subject{});
  EXPECT_EQ(hex(empty), "3000");
}

TEST(TbsDer, RefusesWhatOpenSslsBuilderRefuses) {
  ByteView algorithm = keys().all[0]->signature_algorithm();
  CertificateRequest good;
  good.subject.common_name = "ok";
  good.subject_public_key = keys().all[0]->public_key_der();
  good.validity = Validity::from_now(hours(1));
  std::vector<std::pair<std::string, CertificateRequest>> bad(8, {"", good});
  bad[0] = {"serial must be 1 to 20 octets", good};
  bad[0].second.serial = Bytes(21, 1);
  bad[1] = {"serial must be positive", good};
  bad[1].second.serial = Bytes(3, 0);
  bad[2] = {"NotAfter must be later", good};
  bad[2].second.validity.not_after = bad[2].second.validity.not_before;
  bad[3] = {"is longer than 64 characters", good};
  bad[3].second.subject.common_name = std::string(65, 'x');
  bad[4] = {"must be a two-letter code", good};
  bad[4].second.subject.country = "DEU";
  bad[5] = {"path length must not be negative", good};
  bad[5].second.is_ca = true;
  bad[5].second.path_length = -1;
  bad[6] = {"no public key to certify", good};
  bad[6].second.subject_public_key.clear();
  bad[7] = {"not valid text", good};
  bad[7].second.subject.organizations = {"evil\x1b[2J"};
  for (const auto& [message, request] : bad) {
    for (int way = 0; way < 2; ++way) {
      // The oracle has only the field setters: the builder's own entry checks are not in it.
      if (way == 1 && request.subject_public_key.empty()) continue;
      try {
        if (way == 0)
          build_tbs_certificate(request, IssuerIdentity{}, algorithm);
        else
          testing::openssl_tbs(request, {}, {}, algorithm);
        ADD_FAILURE() << message << " accepted (" << (way ? "OpenSSL" : "DER") << ")";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidInput) << e.message();
        EXPECT_NE(e.message().find(message), std::string::npos) << e.message();
      }
    }
  }
}

TEST(DerWriter, LengthsAtEveryBoundary) {
  for (size_t length : {0u, 127u, 128u, 255u, 256u, 65535u, 65536u}) {
    Bytes nested;
    size_t begun = der::begin(nested, der::kSequence);
    nested.insert(nested.end(), length, 0xab);
    der::end(nested, begun);
    Bytes direct;
    der::append_header(direct, der::kSequence, length);
    direct.insert(direct.end(), length, 0xab);
    ASSERT_EQ(nested, direct) << length;
    // What OpenSSL reads back.
    const unsigned char* p = direct.data();
    long read = 0;
    int tag = 0, xclass = 0;
    ASSERT_EQ(ASN1_get_object(&p, &read, &tag, &xclass, static_cast<long>(direct.size())) & 0x80,
              0);
    EXPECT_EQ(static_cast<size_t>(read), length);
    EXPECT_EQ(static_cast<size_t>(p - direct.data()), direct.size() - length);
  }
}

TEST(DerWriter, IntegersAreMinimalAndPositive) {
  auto integer = [](Bytes big_endian) {
    Bytes out;
    der::append_unsigned_integer(out, big_endian);
    return hex(out);
  };
  EXPECT_EQ(integer({0x00}), "020100");
  EXPECT_EQ(integer({0x00, 0x00, 0x01}), "020101");
  EXPECT_EQ(integer({0x80}), "02020080");
  EXPECT_EQ(integer({0x00, 0x80, 0x01}), "0203008001");
  EXPECT_EQ(integer({0x7f, 0xff}), "02027fff");
  Bytes small;
  der::append_small_integer(small, 300);
  EXPECT_EQ(hex(small), "0202012c");
}

TEST(DerWriter, TimesAreWhatAsn1TimeSetWrites) {
  const int64_t samples[] = {-631152001, -631152000, 0,           951782400,
                             2524607999, 2524608000, 253402300799};
  for (int64_t t : samples) {
    Bytes direct;
    der::append_time(direct, TimePoint{seconds(t)});
    Asn1TimePtr time(ASN1_TIME_set(nullptr, static_cast<time_t>(t)));
    ASSERT_TRUE(time);
    unsigned char* der = nullptr;
    int length = i2d_ASN1_TIME(time.get(), &der);
    OsslBytesPtr owner(der);
    EXPECT_EQ(hex(direct), hex(ByteView(der, static_cast<size_t>(length)))) << t;
  }
}

// Certificates and keys go to PEM without a BIO (core/x509/pem.h): the text PEM_write_bio writes,
// for every length of the last line and a few whole lines.
TEST(PemEncoding, IsWhatPemWriteBioWrites) {
  Bytes der = {0x30};  // PEM_write_bio refuses nothing at all
  for (size_t size = 1; size <= 200; ++size) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    ASSERT_TRUE(
        PEM_write_bio(bio.get(), "CERTIFICATE", "", der.data(), static_cast<long>(der.size())));
    char* data = nullptr;
    long length = BIO_get_mem_data(bio.get(), &data);
    EXPECT_EQ(encode_pem("CERTIFICATE", der), std::string(data, static_cast<size_t>(length)))
        << size;
    der.push_back(static_cast<uint8_t>(size * 37 + 11));
  }
}

}  // namespace
}  // namespace kpki
