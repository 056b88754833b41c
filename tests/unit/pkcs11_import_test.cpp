// kpki ca import's backend half: existing RSA/EC keys (plain, encrypted, botan:) put on a fresh
// SoftHSM token. The objects read back sensitive, not extractable, sign-only and unmodifiable with
// one CKA_ID; the token key signs what the original public key verifies; labels and ids already
// taken are refused; Ed25519 is refused before the token is touched.
#include <gtest/gtest.h>

#include <algorithm>

#include "backends/backends.h"
#include "backends/openssl_file/file_key_manager.h"
#include "backends/pkcs11/pkcs11_import.h"
#include "backends/pkcs11/pkcs11_key_manager.h"
#include "backends/pkcs11/pkcs11_objects.h"
#include "backends/pkcs11/pkcs11_uri.h"
#include "core/fs/file_io.h"
#include "core/fs/secret.h"
#include "core/util/error.h"
#include "tests/support/pkcs11_verify.h"
#include "tests/support/softhsm_token.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using test::SoftHsmToken;

// What a CA key on a token must say about itself, read with C_GetAttributeValue.
void expect_ca_key_attributes(const SoftHsmToken& token, const std::string& label) {
  Pkcs11Uri uri = parse_pkcs11_uri(token.uri(label));
  Pkcs11Token& tok = Pkcs11Token::find(Pkcs11Module::get(token.module()), uri);
  tok.login(uri);
  Pkcs11Session session = tok.acquire();
  auto priv = find_objects(
      session, {Pkcs11Attr::ulong(CKA_CLASS, CKO_PRIVATE_KEY), Pkcs11Attr::text(CKA_LABEL, label)});
  auto pub = find_objects(
      session, {Pkcs11Attr::ulong(CKA_CLASS, CKO_PUBLIC_KEY), Pkcs11Attr::text(CKA_LABEL, label)});
  ASSERT_EQ(priv.size(), 1u);
  ASSERT_EQ(pub.size(), 1u);
  CK_OBJECT_HANDLE k = priv.front();
  EXPECT_EQ(get_bool(session, k, CKA_TOKEN), true);
  EXPECT_EQ(get_bool(session, k, CKA_PRIVATE), true);
  EXPECT_EQ(get_bool(session, k, CKA_SENSITIVE), true);
  EXPECT_EQ(get_bool(session, k, CKA_EXTRACTABLE), false);
  EXPECT_EQ(get_bool(session, k, CKA_SIGN), true);
  EXPECT_EQ(get_bool(session, k, CKA_DECRYPT), false);
  EXPECT_EQ(get_bool(session, k, CKA_UNWRAP), false);
  EXPECT_EQ(get_bool(session, k, CKA_DERIVE), false);
  EXPECT_EQ(get_bool(session, k, CKA_MODIFIABLE), false);
  // Sensitive: the private value cannot be read back.
  EXPECT_FALSE(get_attribute(session, k, CKA_PRIVATE_EXPONENT).has_value());
  EXPECT_FALSE(get_attribute(session, k, CKA_VALUE).has_value());
  Bytes id = get_attribute(session, k, CKA_ID).value_or(Bytes{});
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(get_attribute(session, pub.front(), CKA_ID), id);
  EXPECT_EQ(get_bool(session, pub.front(), CKA_ENCRYPT), false);
}

void expect_signs_for(const Signer& token_key, ByteView original_spki) {
  const std::string text = "imported CA key test message";
  Bytes sig = token_key.sign(as_bytes(text));
  EXPECT_TRUE(test::signature_verifies(original_spki, token_key.algorithm(), as_bytes(text), sig));
  EXPECT_FALSE(
      test::signature_verifies(original_spki, token_key.algorithm(), as_bytes(text + "."), sig));
}

class Pkcs11Import : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  }
  Pkcs11KeyManager token_keys_;
  FileKeyManager files_;
  testing::TempDir dir_;
  KeyOptions options_;
};

class Pkcs11ImportAlgorithms : public Pkcs11Import,
                               public ::testing::WithParamInterface<Algorithm> {};

TEST_P(Pkcs11ImportAlgorithms, AttributesReadBackAndTheKeySigns) {
  Algorithm alg = GetParam();
  SoftHsmToken token;
  auto file_key = files_.generate(dir_.file("ca.key"), alg, options_);
  Bytes pkcs8 = files_.read_private_key(dir_.file("ca.key"), options_);
  WipeOnExit wipe(pkcs8);
  auto imported = token_keys_.import_key(pkcs8, token.uri("kubernetes-ca"), options_);
  EXPECT_EQ(imported->algorithm(), alg);
  EXPECT_EQ(imported->public_key_der(), file_key->public_key_der());
  expect_ca_key_attributes(token, "kubernetes-ca");
  auto opened = token_keys_.open(token.uri("kubernetes-ca"), options_);
  EXPECT_EQ(opened->public_key_der(), file_key->public_key_der());
  expect_signs_for(*opened, file_key->public_key_der());
  expect_signs_for(*imported, file_key->public_key_der());
}

// The path for tokens that refuse plaintext private keys, forced on SoftHSM (which takes both).
TEST_P(Pkcs11ImportAlgorithms, UnwrapPathGivesTheSameKey) {
  Algorithm alg = GetParam();
  SoftHsmToken token;
  auto file_key = files_.generate(dir_.file("ca.key"), alg, options_);
  EvpPkeyPtr pkey = load_private_key_file(dir_.file("ca.key"), "");
  Pkcs11Uri uri = parse_pkcs11_uri(token.uri("unwrapped"));
  Pkcs11Token& tok = Pkcs11Token::find(Pkcs11Module::get(token.module()), uri);
  tok.login(uri);
  Bytes id(16, 0x5a);
  {
    Pkcs11Session session = tok.acquire();
    import_key_pair(tok, session, pkey.get(), alg, "unwrapped", id, Pkcs11ImportMethod::Unwrap);
  }
  expect_ca_key_attributes(token, "unwrapped");
  auto opened = token_keys_.open(token.uri("unwrapped"), options_);
  EXPECT_EQ(opened->public_key_der(), file_key->public_key_der());
  expect_signs_for(*opened, file_key->public_key_der());
  // Only the key pair is left: the session AES key is gone.
  EXPECT_EQ(token_keys_.list_keys(token.uri(""), options_).size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(RsaAndEc, Pkcs11ImportAlgorithms,
                         ::testing::Values(Algorithm::Rsa2048, Algorithm::Rsa3072,
                                           Algorithm::EcdsaP256, Algorithm::EcdsaP384),
                         kpki::testing::AlgorithmParamName());

TEST_F(Pkcs11Import, RefusesDuplicates) {
  SoftHsmToken token;
  files_.generate(dir_.file("a.key"), Algorithm::EcdsaP256, options_);
  Bytes pkcs8 = files_.read_private_key(dir_.file("a.key"), options_);
  WipeOnExit wipe(pkcs8);
  token_keys_.import_key(pkcs8, token.uri("ca"), options_);
  try {
    token_keys_.import_key(pkcs8, token.uri("ca"), options_);
    FAIL() << "a second import under the same label succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
    EXPECT_NE(e.message().find("'ca'"), std::string::npos) << e.message();
  }
  // The same id under another label is refused too.
  std::string by_id = "pkcs11:token=" + token.label() +
                      ";object=other;id=%01?pin-source=file:" + token.pin_file() +
                      "&module-path=" + token.module();
  token_keys_.import_key(pkcs8, by_id, options_);
  std::string same_id = "pkcs11:token=" + token.label() +
                        ";object=third;id=%01?pin-source=file:" + token.pin_file() +
                        "&module-path=" + token.module();
  try {
    token_keys_.import_key(pkcs8, same_id, options_);
    FAIL() << "an import reusing a CKA_ID succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
  }
  // A generated key's label is taken as well.
  token_keys_.generate(token.uri("made-here"), Algorithm::EcdsaP256, options_);
  EXPECT_THROW(token_keys_.import_key(pkcs8, token.uri("made-here"), options_), Error);
  EXPECT_EQ(token_keys_.list_keys(token.uri(""), options_).size(), 6u);
}

TEST_F(Pkcs11Import, EncryptedSourceWithItsPassphrase) {
  SoftHsmToken token;
  testing::write_private_file(dir_.file("pass"), "correct horse battery staple\n");
  KeyOptions encrypted;
  encrypted.passphrase_file = dir_.file("pass");
  auto file_key = files_.generate(dir_.file("enc.key"), Algorithm::EcdsaP384, encrypted);
  EXPECT_NE(read_text_file(dir_.file("enc.key")).find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  EXPECT_THROW(files_.read_private_key(dir_.file("enc.key"), options_), Error);
  Bytes pkcs8 = files_.read_private_key(dir_.file("enc.key"), encrypted);
  WipeOnExit wipe(pkcs8);
  auto imported = token_keys_.import_key(pkcs8, token.uri("etcd-ca"), options_);
  EXPECT_EQ(imported->public_key_der(), file_key->public_key_der());
  expect_ca_key_attributes(token, "etcd-ca");
  expect_signs_for(*token_keys_.open(token.uri("etcd-ca"), options_), file_key->public_key_der());
}

#ifdef KPKI_WITH_BOTAN
TEST_F(Pkcs11Import, BotanSource) {
  SoftHsmToken token;
  const std::string uri = "botan:" + dir_.file("b.key");
  KeyManager& botan = key_registry().manager_for(uri);
  auto botan_key = botan.generate(uri, Algorithm::Rsa2048, options_);
  Bytes pkcs8 =
      key_registry().capability<PrivateKeyReader>(uri, "read").read_private_key(uri, options_);
  WipeOnExit wipe(pkcs8);
  auto imported = token_keys_.import_key(pkcs8, token.uri("front-proxy-ca"), options_);
  EXPECT_EQ(imported->public_key_der(), botan_key->public_key_der());
  expect_ca_key_attributes(token, "front-proxy-ca");
  expect_signs_for(*token_keys_.open(token.uri("front-proxy-ca"), options_),
                   botan_key->public_key_der());
}
#endif

TEST_F(Pkcs11Import, Ed25519IsRefusedAndNothingIsCreated) {
  SoftHsmToken token;
  files_.generate(dir_.file("ed.key"), Algorithm::Ed25519, options_);
  Bytes pkcs8 = files_.read_private_key(dir_.file("ed.key"), options_);
  WipeOnExit wipe(pkcs8);
  try {
    token_keys_.import_key(pkcs8, token.uri("ed"), options_);
    FAIL() << "Ed25519 import succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unsupported);
    EXPECT_NE(e.message().find("Ed25519"), std::string::npos) << e.message();
  }
  EXPECT_TRUE(token_keys_.list_keys(token.uri(""), options_).empty());
}

TEST_F(Pkcs11Import, NotPkcs8IsRefused) {
  SoftHsmToken token;
  Bytes junk = {0x30, 0x03, 0x02, 0x01, 0x00};
  EXPECT_THROW(token_keys_.import_key(junk, token.uri("x"), options_), Error);
  EXPECT_TRUE(token_keys_.list_keys(token.uri(""), options_).empty());
}

}  // namespace
}  // namespace kpki
