// The one table of how kpki drives a token per algorithm: what the token signs and how big the
// raw signature is, checked against a real SoftHSM token.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "backends/pkcs11/module_leaks.h"
#include "backends/pkcs11/pkcs11_key_manager.h"
#include "backends/pkcs11/pkcs11_mechanisms.h"
#include "backends/pkcs11/pkcs11_objects.h"
#include "tests/support/softhsm_token.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

class Pkcs11Mechanism : public ::testing::TestWithParam<Algorithm> {};

TEST_P(Pkcs11Mechanism, TokenSignsTheTableInputIntoTheTableSize) {
  if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  Algorithm alg = GetParam();
  const Pkcs11Mechanisms& m = pkcs11_mechanisms(alg);
  const std::string message = "to be signed";
  Bytes input = pkcs11_sign_input(alg, as_bytes(message));
  switch (key_type(alg)) {
    case KeyType::Rsa:
      EXPECT_EQ(input.size(), 19u + 32u);  // DigestInfo(SHA-256)
      EXPECT_EQ(m.signature_size, static_cast<std::size_t>(rsa_bits(alg)) / 8);
      break;
    case KeyType::Ec:
      EXPECT_EQ(input.size(), static_cast<std::size_t>(EVP_MD_get_size(signature_digest(alg))));
      break;
    case KeyType::Ed25519:
      EXPECT_EQ(input, Bytes(message.begin(), message.end()));
      break;
  }
  // A raw C_Sign on a real token with the table's mechanism returns exactly the table's size.
  test::SoftHsmToken token;
  Pkcs11KeyManager manager;
  manager.generate(token.uri("k"), alg, {});
  Pkcs11Uri uri = parse_pkcs11_uri(token.uri("k"));
  Pkcs11Token& t = Pkcs11Token::find(Pkcs11Module::get(token.module()), uri);
  t.login(uri);
  Pkcs11Session session = t.acquire();
  auto keys = find_objects(
      session, {Pkcs11Attr::ulong(CKA_CLASS, CKO_PRIVATE_KEY), Pkcs11Attr::text(CKA_LABEL, "k")});
  ASSERT_EQ(keys.size(), 1u);
  CK_MECHANISM mechanism{m.sign, nullptr, 0};
  KPKI_IGNORE_MODULE_LEAKS();
  ASSERT_EQ(session.fn()->C_SignInit(session.handle(), &mechanism, keys.front()), CKR_OK);
  Bytes signature(1024);
  CK_ULONG len = signature.size();
  ASSERT_EQ(
      session.fn()->C_Sign(session.handle(), input.data(), input.size(), signature.data(), &len),
      CKR_OK);
  EXPECT_EQ(len, m.signature_size) << m.sign_name;
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, Pkcs11Mechanism, ::testing::ValuesIn(kAllAlgorithms),
                         testing::AlgorithmParamName());

}  // namespace
}  // namespace kpki
