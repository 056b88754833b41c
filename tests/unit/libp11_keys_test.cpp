// The libp11: backend on a fresh SoftHSM token: keys made by the raw driver open through libp11
// by label and by id, sign through libp11's EVP methods, and OpenSSL verifies the result; what
// libp11 0.4.12 lacks is a clear Unsupported.
#include <gtest/gtest.h>

#include "backends/backends.h"
#include "backends/pkcs11/pkcs11_key_manager.h"
#include "backends/pkcs11/pkcs11_uri.h"
#include "tests/support/error_of.h"
#include "tests/support/libp11_uri.h"
#include "tests/support/pkcs11_verify.h"
#include "tests/support/softhsm_token.h"
#include "tests/support/test_keys.h"

#ifdef KPKI_WITH_LIBP11
#include "backends/libp11/libp11_key_manager.h"

namespace kpki {
namespace {

using test::libp11_uri;
using test::SoftHsmToken;

class Libp11Keys : public ::testing::TestWithParam<Algorithm> {
 protected:
  void SetUp() override {
    if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  }
  Pkcs11KeyManager raw_;
  Libp11KeyManager libp11_;
  KeyOptions options_;
};

TEST_P(Libp11Keys, OpensRawKeyByLabelAndIdAndSigns) {
  Algorithm alg = GetParam();
  SoftHsmToken token;
  auto raw = raw_.generate(token.uri("ca"), alg, options_);
  EXPECT_TRUE(libp11_.exists(libp11_uri(token.uri("ca")), options_));
  EXPECT_FALSE(libp11_.exists(libp11_uri(token.uri("other")), options_));

  auto keys = raw_.list_keys(token.uri(""), options_);
  ASSERT_FALSE(keys.empty());
  Bytes id;
  for (std::size_t i = 0; i + 1 < keys[0].id_hex.size(); i += 2) {
    id.push_back(static_cast<std::uint8_t>(std::stoi(keys[0].id_hex.substr(i, 2), nullptr, 16)));
  }
  ASSERT_FALSE(id.empty());
  const std::string by_id = "libp11:token=" + percent_encode(as_bytes(token.label())) +
                            ";id=" + percent_encode(id) + "?pin-source=file:" + token.pin_file() +
                            "&module-path=" + token.module();

  const std::string message = "tbs certificate bytes";
  for (const std::string& uri : {libp11_uri(token.uri("ca")), by_id}) {
    auto signer = libp11_.open(uri, options_);
    EXPECT_EQ(signer->algorithm(), alg) << uri;
    EXPECT_EQ(signer->public_key_der(), raw->public_key_der()) << uri;
    EXPECT_EQ(signer->signature_algorithm(), signature_algorithm_der(alg));
    Bytes sig = signer->sign(as_bytes(message));
    EXPECT_TRUE(test::signature_verifies(signer->public_key_der(), alg, as_bytes(message), sig));
    EXPECT_FALSE(
        test::signature_verifies(signer->public_key_der(), alg, as_bytes(message + "!"), sig));
  }
  // Registered under its own scheme.
  KeyManager& registered = key_registry().manager_for(libp11_uri(token.uri("ca")));
  EXPECT_NE(dynamic_cast<Libp11KeyManager*>(&registered), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, Libp11Keys,
                         ::testing::Values(Algorithm::Rsa2048, Algorithm::Rsa3072,
                                           Algorithm::Rsa4096, Algorithm::EcdsaP256,
                                           Algorithm::EcdsaP384),
                         kpki::testing::AlgorithmParamName());

class Libp11Limits : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  }
  Pkcs11KeyManager raw_;
  Libp11KeyManager libp11_;
};

TEST_F(Libp11Limits, GenerationIsUnsupportedAndSaysWhy) {
  SoftHsmToken token;
  for (Algorithm alg : kAllAlgorithms) {
    Error e =
        kpki::testing::error_of([&] { libp11_.generate(libp11_uri(token.uri("ca")), alg, {}); });
    EXPECT_EQ(e.code(), ErrorCode::Unsupported) << algorithm_name(alg);
    EXPECT_NE(e.message().find("libp11 0.4.12"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("libp11:token="), std::string::npos) << e.message();
  }
  EXPECT_FALSE(raw_.exists(token.uri("ca"), {}));  // nothing was written to the token
}

TEST_F(Libp11Limits, Ed25519KeyIsUnsupportedNotMissing) {
  SoftHsmToken token;
  raw_.generate(token.uri("ed"), Algorithm::Ed25519, {});
  Error e = kpki::testing::error_of([&] { libp11_.open(libp11_uri(token.uri("ed")), {}); });
  EXPECT_EQ(e.code(), ErrorCode::Unsupported) << e.message();
  EXPECT_NE(e.message().find("libp11 0.4.12"), std::string::npos) << e.message();
}

TEST_F(Libp11Limits, MissingKeyIsNotFoundAndUriErrorsUseTheLibp11Scheme) {
  SoftHsmToken token;
  Error missing = kpki::testing::error_of([&] { libp11_.open(libp11_uri(token.uri("none")), {}); });
  EXPECT_EQ(missing.code(), ErrorCode::NotFound) << missing.message();
  Error no_object = kpki::testing::error_of(
      [&] { libp11_.open("libp11:token=" + token.label() + "?pin-value=secret-pin", {}); });
  EXPECT_EQ(no_object.code(), ErrorCode::InvalidInput);
  EXPECT_NE(no_object.message().find("'libp11:token="), std::string::npos) << no_object.message();
  EXPECT_EQ(no_object.message().find("secret-pin"), std::string::npos) << no_object.message();
}

}  // namespace
}  // namespace kpki
#else
#include "backends/backends.h"

namespace kpki {
TEST(Libp11Registry, BuiltWithoutLibp11SaysSo) {
  try {
    key_registry().manager_for("libp11:token=t;object=ca");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unsupported);
    EXPECT_NE(e.message().find("built without libp11 support"), std::string::npos) << e.message();
  }
}
}  // namespace kpki
#endif  // KPKI_WITH_LIBP11
