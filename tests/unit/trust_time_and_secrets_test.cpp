// The Trust issue's items on time and secrets in memory: validity in 64-bit seconds up to
// 9999-12-31, and Secret leaving no copy of a short PIN behind when constructed or moved.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/fs/secret.h"
#include "core/issue/authority.h"
#include "core/issue/profiles.h"
#include "core/util/duration.h"
#include "core/util/error.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

bool all_zero(const std::string& s) {
  return std::all_of(s.data(), s.data() + s.capacity(), [](char c) { return c == 0; });
}

TEST(SecretHygiene, ConstructingFromAShortStringWipesTheSourceBuffer) {
  std::string pin = "123456";  // fits the small-string buffer inside the std::string object
  Secret secret(std::move(pin));
  EXPECT_EQ(secret.reveal(), "123456");
  EXPECT_TRUE(all_zero(pin));
}

TEST(SecretHygiene, MovingAShortSecretLeavesNoCopyInTheMovedFromObject) {
  Secret a(std::string("4321"));
  Secret b(std::move(a));
  EXPECT_EQ(b.reveal(), "4321");
  EXPECT_TRUE(all_zero(a.reveal()));
  Secret c;
  c = std::move(b);
  EXPECT_EQ(c.reveal(), "4321");
  EXPECT_TRUE(all_zero(b.reveal()));
}

std::chrono::seconds days(long long n) { return std::chrono::seconds(n * 86400); }

TEST(ValidityRange, CenturiesAheadAreExactNotWrapped) {
  for (long long n : {86000LL, 255500LL, 2900000LL}) {
    SCOPED_TRACE(n);
    auto signer = testing::make_signer(Algorithm::EcdsaP256);
    CertificateRequest request;
    request.subject.common_name = "far";
    apply_profile(Profile::Ca, KeyType::Ec, request);
    request.subject_public_key = signer->public_key_der();
    TimePoint before = now_seconds();
    request.validity = Validity::from_now(parse_duration(std::to_string(n) + "d"));
    Certificate cert = Authority::self_sign(request, *signer).certificate;
    EXPECT_GE(cert.not_after(), before + days(n));
    EXPECT_LE(cert.not_after(), now_seconds() + days(n));
  }
}

TEST(ValidityRange, PastTheLastX509DateIsRefusedNamingTheField) {
  try {
    Validity::from_now(parse_duration("3000000d", "--validity"), "--validity");
    FAIL() << "accepted a validity ending after 9999";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    EXPECT_NE(e.message().find("--validity"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("9999-12-31"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace kpki
