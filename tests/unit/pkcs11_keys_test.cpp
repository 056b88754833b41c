// Keys generated on a fresh SoftHSM token: every algorithm signs, OpenSSL verifies, and the
// private key's attributes say it can never leave the token.
#include <gtest/gtest.h>

#include <algorithm>

#include "backends/pkcs11/pkcs11_key_manager.h"
#include "backends/pkcs11/pkcs11_objects.h"
#include "backends/pkcs11/pkcs11_uri.h"
#include "core/util/error.h"
#include "tests/support/pkcs11_verify.h"
#include "tests/support/softhsm_token.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using test::SoftHsmToken;

class Pkcs11Keys : public ::testing::TestWithParam<Algorithm> {
 protected:
  void SetUp() override {
    if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  }
  Pkcs11KeyManager manager_;
  KeyOptions options_;
};

TEST_P(Pkcs11Keys, GenerateOpenSignVerify) {
  Algorithm alg = GetParam();
  SoftHsmToken token;
  std::string uri = token.uri("ca");
  EXPECT_FALSE(manager_.exists(uri, options_));
  auto generated = manager_.generate(uri, alg, options_);
  EXPECT_TRUE(manager_.exists(uri, options_));
  EXPECT_EQ(generated->algorithm(), alg);
  EXPECT_EQ(generated->signature_algorithm(), signature_algorithm_der(alg));

  auto opened = manager_.open(uri, options_);
  EXPECT_EQ(opened->public_key_der(), generated->public_key_der());
  EXPECT_EQ(opened->algorithm(), alg);

  const std::string text = "tbs certificate bytes";
  for (const auto* signer : {generated.get(), opened.get()}) {
    Bytes sig = signer->sign(as_bytes(text));
    EXPECT_TRUE(test::signature_verifies(signer->public_key_der(), alg, as_bytes(text), sig))
        << algorithm_name(alg);
    Bytes other = signer->sign(as_bytes(text + "!"));
    EXPECT_FALSE(test::signature_verifies(signer->public_key_der(), alg, as_bytes(text), other));
  }
}

TEST_P(Pkcs11Keys, PrivateKeyIsSensitiveAndNeverExtractable) {
  Algorithm alg = GetParam();
  SoftHsmToken token;
  manager_.generate(token.uri("ca"), alg, options_);
  auto keys = manager_.list_keys(token.uri(""), options_);
  ASSERT_EQ(keys.size(), 2u);  // private + public
  auto priv = std::find_if(keys.begin(), keys.end(),
                           [](const auto& k) { return k.object_class == "private"; });
  ASSERT_NE(priv, keys.end());
  EXPECT_EQ(priv->label, "ca");
  EXPECT_EQ(priv->id_hex.size(), 32u);  // 16 bytes
  EXPECT_EQ(priv->sensitive, true);
  EXPECT_EQ(priv->extractable, false);
  EXPECT_EQ(priv->never_extractable, true);
  EXPECT_EQ(priv->always_sensitive, true);
  auto pub = std::find_if(keys.begin(), keys.end(),
                          [](const auto& k) { return k.object_class == "public"; });
  ASSERT_NE(pub, keys.end());
  EXPECT_EQ(pub->id_hex, priv->id_hex);
  EXPECT_EQ(pub->label, "ca");
  if (key_type(alg) == KeyType::Rsa) {
    EXPECT_EQ(priv->type, "rsa");
    EXPECT_EQ(priv->size, std::to_string(rsa_bits(alg)));
  } else if (alg == Algorithm::Ed25519) {
    EXPECT_EQ(priv->type, "ed25519");
  } else {
    EXPECT_EQ(priv->type, "ec");
    EXPECT_EQ(pub->size, curve_name(alg));
  }
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, Pkcs11Keys, ::testing::ValuesIn(kAllAlgorithms),
                         kpki::testing::AlgorithmParamName());

TEST(Pkcs11Keys2, GivenIdIsUsedAndFindsTheKey) {
  if (!test::softhsm_available()) GTEST_SKIP();
  SoftHsmToken token;
  Pkcs11KeyManager manager;
  std::string uri = "pkcs11:token=" + token.label() +
                    ";object=k;id=%0a%0b?pin-source=file:" + token.pin_file() +
                    "&module-path=" + token.module();
  auto signer = manager.generate(uri, Algorithm::EcdsaP256, {});
  std::string by_id = "pkcs11:serial=" + token.serial() +
                      ";id=%0A%0B?pin-source=" + token.pin_file() +
                      "&module-path=" + token.module();
  EXPECT_EQ(manager.open(by_id, {})->public_key_der(), signer->public_key_der());
}

TEST(Pkcs11Keys2, Ed25519KeyDoesNotHideOtherKeys) {
  if (!test::softhsm_available()) GTEST_SKIP();
  SoftHsmToken token;
  Pkcs11KeyManager manager;
  manager.generate(token.uri("edkey"), Algorithm::Ed25519, {});
  auto rsa = manager.generate(token.uri("rsakey"), Algorithm::Rsa2048, {});
  auto ec = manager.generate(token.uri("eckey"), Algorithm::EcdsaP384, {});
  EXPECT_EQ(manager.open(token.uri("rsakey"), {})->public_key_der(), rsa->public_key_der());
  EXPECT_EQ(manager.open(token.uri("eckey"), {})->public_key_der(), ec->public_key_der());
  EXPECT_EQ(manager.open(token.uri("edkey"), {})->algorithm(), Algorithm::Ed25519);
  EXPECT_EQ(manager.list_keys(token.uri(""), {}).size(), 6u);
}

TEST(Pkcs11Keys2, ModuleFromOptionsWhenUriHasNone) {
  if (!test::softhsm_available()) GTEST_SKIP();
  SoftHsmToken token;
  Pkcs11KeyManager manager;
  KeyOptions options;
  options.pkcs11_module = token.module();
  std::string uri = "pkcs11:token=" + token.label() + ";object=k?pin-source=" + token.pin_file();
  manager.generate(uri, Algorithm::EcdsaP256, options);
  EXPECT_TRUE(manager.exists(uri, options));
}

// PartialKeyRecovery (core/keys/key_capabilities.h): what ca rotate uses to pick a free label and
// to clear half a pair its own killed begin left (removing halves: ca_rotate_cli.sh, with a test
// module that dies between them). A whole key is never removed.
TEST(Pkcs11PartialKeys, AWholeKeyOccupiesItsLabelAndIsNeverRemoved) {
  if (!test::softhsm_available()) GTEST_SKIP();
  SoftHsmToken token;
  Pkcs11KeyManager manager;
  EXPECT_FALSE(manager.occupied(token.uri("k"), {}));
  EXPECT_EQ(manager.remove_partial_key(token.uri("k"), {}), 0u);
  auto whole = manager.generate(token.uri("k"), Algorithm::EcdsaP256, {});
  EXPECT_TRUE(manager.occupied(token.uri("k"), {}));
  EXPECT_FALSE(manager.occupied(token.uri("k2"), {}));
  EXPECT_EQ(manager.remove_partial_key(token.uri("k"), {}), 0u);
  EXPECT_EQ(manager.open(token.uri("k"), {})->public_key_der(), whole->public_key_der());
  EXPECT_EQ(manager.list_keys(token.uri(""), {}).size(), 2u);
}

}  // namespace
}  // namespace kpki
