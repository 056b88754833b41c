// Serial numbers at scale: 1,000,000 draws from random_serial(), each DER-encoded the way the
// builder encodes it. No collision, every one positive and at most 20 octets, and every one of the
// 127 random bit positions set about half the time (so at least 64 bits really vary).
#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/issue/certificate_builder.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/serial.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

constexpr int kDraws = 1'000'000;
using Serial = std::array<std::uint8_t, 16>;

// The builder's path: big-endian bytes -> BIGNUM -> ASN1_INTEGER -> DER.
Bytes der_integer(const Bytes& serial) {
  BignumPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  Asn1IntegerPtr integer(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  unsigned char* out = nullptr;
  int len = i2d_ASN1_INTEGER(integer.get(), &out);
  OsslBytesPtr owned(out);
  return Bytes(out, out + std::max(len, 0));
}

TEST(Serials, MillionDrawsAreUniquePositiveShortAndRandom) {
  std::vector<Serial> seen;
  seen.reserve(kDraws);
  std::array<int, 128> ones{};
  for (int i = 0; i < kDraws; ++i) {
    Bytes serial = random_serial();
    ASSERT_EQ(serial.size(), 16u);
    Bytes der = der_integer(serial);
    // INTEGER tag, short length, content of 1..20 octets whose top bit is clear (positive).
    ASSERT_GE(der.size(), 3u);
    ASSERT_EQ(der[0], 0x02);
    ASSERT_EQ(der[1], der.size() - 2);
    ASSERT_LE(der[1], 20);
    ASSERT_EQ(der[2] & 0x80, 0) << "negative serial";
    ASSERT_FALSE(der[1] == 1 && der[2] == 0) << "zero serial";
    Serial s;
    std::copy(serial.begin(), serial.end(), s.begin());
    seen.push_back(s);
    for (int bit = 0; bit < 128; ++bit) ones[bit] += (s[bit / 8] >> (7 - bit % 8)) & 1;
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "serial collision";

  // Bit 0 is the sign bit, always clear. Each other bit is Binomial(n, 1/2): 6 sigma is 3000,
  // so an honest generator fails this with probability ~1e-7 while a stuck bit always does.
  EXPECT_EQ(ones[0], 0);
  const double sigma = std::sqrt(kDraws * 0.25);
  int random_bits = 0;
  for (int bit = 1; bit < 128; ++bit) {
    bool fair = std::abs(ones[bit] - kDraws / 2) < 6 * sigma;
    EXPECT_TRUE(fair) << "bit " << bit << " set " << ones[bit] << " times";
    random_bits += fair;
  }
  EXPECT_GE(random_bits, 64);
}

// TBSCertificate ::= SEQUENCE { [0] EXPLICIT version, serialNumber INTEGER, ... }.
Asn1IntegerPtr serial_of_tbs(const Bytes& tbs) {
  const unsigned char* p = tbs.data();
  long length = 0;
  int tag = 0, xclass = 0;
  EXPECT_EQ(ASN1_get_object(&p, &length, &tag, &xclass, static_cast<long>(tbs.size())) & 0x80, 0);
  const unsigned char* version = p;
  EXPECT_EQ(ASN1_get_object(&p, &length, &tag, &xclass, static_cast<long>(tbs.size())) & 0x80, 0);
  EXPECT_EQ(xclass, V_ASN1_CONTEXT_SPECIFIC);
  p += length;
  Asn1IntegerPtr serial(d2i_ASN1_INTEGER(nullptr, &p, tbs.data() + tbs.size() - p));
  EXPECT_NE(p, version);
  return serial;
}

// The same properties on certificates the builder actually makes (fewer: each is a full build).
TEST(Serials, BuilderCertificatesCarryDistinctPositiveSerials) {
  auto key = testing::make_signer(Algorithm::EcdsaP256);
  const Bytes& ecdsa_with_sha256 = key->signature_algorithm();
  // Hashed, not sorted: GCC 12 at -O3 warns falsely (-Wstringop-overread) in std::sort of vectors.
  std::unordered_set<std::string> serials;
  for (int i = 0; i < 2000; ++i) {
    CertificateRequest request;
    request.subject.common_name = "serial";
    request.subject_public_key = key->public_key_der();
    request.validity = Validity::from_now(std::chrono::hours(1));
    Bytes tbs = build_tbs_certificate(request, IssuerIdentity{}, ecdsa_with_sha256);
    Asn1IntegerPtr owned = serial_of_tbs(tbs);
    const ASN1_INTEGER* serial = owned.get();
    ASSERT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER) << "negative serial";
    ASSERT_LE(ASN1_STRING_length(serial), 20);
    const unsigned char* data = ASN1_STRING_get0_data(serial);
    bool fresh =
        serials.emplace(reinterpret_cast<const char*>(data), ASN1_STRING_length(serial)).second;
    ASSERT_TRUE(fresh) << "serial collision";
  }
}

}  // namespace
}  // namespace kpki
