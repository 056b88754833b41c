// Hardening details that have no CLI-visible symptom of their own: secrets wiped in place, X.509
// times beyond what std::chrono::system_clock can hold, and DER strictness on the parse path.
#include <gtest/gtest.h>
#include <openssl/x509.h>

#include "core/fs/file_io.h"
#include "core/fs/secret.h"
#include "core/issue/authority.h"
#include "core/issue/certificate_builder.h"
#include "core/issue/profiles.h"
#include "core/keys/certificate_signing.h"
#include "core/util/error.h"
#include "core/x509/public_key.h"
#include "tests/support/edited_certificate.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

TEST(SecretHygiene, WipeZeroesTheBufferInPlace) {
  // Long enough to live on the heap, where a plain clear() would leave the bytes behind.
  Secret secret(std::string(100, 'p'));
  const char* buffer = secret.reveal().data();
  secret.wipe();
  EXPECT_TRUE(secret.empty());
  for (int i = 0; i < 100; ++i) ASSERT_EQ(buffer[i], '\0') << "byte " << i << " survived";
}

TEST(SecretHygiene, MovedFromSecretIsEmptyAndFileSecretDropsTheNewline) {
  testing::TempDir dir;
  write_file_atomic(dir.file("pin"), std::string("1234\nignored\n"), 0600, Overwrite::No);
  Secret pin = read_secret_file(dir.file("pin"));
  EXPECT_EQ(pin.reveal(), "1234");
  Secret moved = std::move(pin);
  EXPECT_TRUE(pin.empty());  // NOLINT(bugprone-use-after-move): that is the point
  EXPECT_EQ(moved.reveal(), "1234");
  // The error for a bad secret file names the file, never its content.
  write_file_atomic(dir.file("empty"), std::string("\n"), 0600, Overwrite::No);
  try {
    read_secret_file(dir.file("empty"));
    FAIL() << "empty secret accepted";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find(dir.file("empty")), std::string::npos);
  }
}

// RFC 5280 4.1.2.5: 99991231235959Z means "no well-defined expiration". Such a CA is valid and
// must stay usable although a nanosecond system_clock ends in 2262.
TEST(FarFutureTimes, CaValidUntil9999IssuesAndReportsItsExactExpiry) {
  auto signer = testing::make_signer(Algorithm::EcdsaP256);
  CertificateRequest request;
  request.subject.common_name = "forever-ca";
  apply_profile(Profile::Ca, KeyType::Ec, request);
  request.subject_public_key = signer->public_key_der();
  request.validity = Validity::from_now(std::chrono::hours(24));
  X509Ptr x = testing::editable_self_signed(request, *signer);
  ASSERT_EQ(ASN1_TIME_set_string(X509_getm_notAfter(x.get()), "99991231235959Z"), 1);
  Certificate forever = testing::sign_edited(x.get(), *signer);
  EXPECT_EQ(forever.not_after(), kLastX509Time);

  Authority ca(Certificate::from_der(forever.der()), signer);
  CertificateRequest leaf;
  leaf.subject.common_name = "leaf";
  leaf.subject_public_key = testing::make_signer(Algorithm::EcdsaP256)->public_key_der();
  apply_profile(Profile::Client, KeyType::Ec, leaf);
  leaf.validity = Validity::from_now(std::chrono::hours(1));
  Certificate issued = ca.issue(leaf).certificate;
  EXPECT_LT(issued.not_after(), now_seconds() + std::chrono::hours(2));
}

TEST(StrictDer, BerLengthEncodingOfAValidCertificateIsRefused) {
  auto signer = testing::make_signer(Algorithm::EcdsaP256);
  Bytes der = testing::make_test_ca(*signer).der();
  ASSERT_EQ(der[1], 0x82);  // a few hundred bytes: two length octets
  Bytes ber{0x30, 0x83, 0x00, der[2], der[3]};
  ber.insert(ber.end(), der.begin() + 4, der.end());
  EXPECT_NO_THROW(Certificate::from_der(der));
  try {
    Certificate::from_der(ber, "ber.crt");
    FAIL() << "BER accepted";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("ber.crt: the certificate is not DER-encoded"), std::string::npos)
        << e.message();
  }
}

}  // namespace
}  // namespace kpki
