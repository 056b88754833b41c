// The Botan key backend: key files, interchange with the OpenSSL file backend, errors, and
// concurrent signing.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <thread>
#include <vector>

#include "backends/backends.h"
#include "core/keys/signer.h"
#include "core/util/error.h"
#include "core/x509/public_key.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

// Verifies `signature` over `message` with OpenSSL, independently of the signing backend.
bool openssl_verifies(const Signer& signer, ByteView message, const Bytes& signature) {
  EvpPkeyPtr key = public_key_from_der(signer.public_key_der());
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, signature_digest(signer.algorithm()), nullptr,
                           key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

const Bytes kMessage = {'k', 'p', 'k', 'i', ' ', 't', 'b', 's'};

KeyManager& manager(const std::string& uri) { return key_registry().manager_for(uri); }

class BotanBackend : public ::testing::TestWithParam<Algorithm> {
 protected:
  void SetUp() override {
    if (!key_registry().supports("botan")) GTEST_SKIP() << "built without Botan";
  }
  testing::TempDir dir_;
};

TEST_P(BotanBackend, GeneratesKeyThatOpenSslFileBackendOpens) {
  std::string path = dir_.file("botan.key");
  auto botan = manager("botan:" + path).generate("botan:" + path, GetParam(), {});
  EXPECT_EQ(botan->algorithm(), GetParam());

  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto openssl = manager(path).open(path, {});  // bare path: the OpenSSL file backend
  EXPECT_EQ(openssl->public_key_der(), botan->public_key_der());
  EXPECT_EQ(openssl->signature_algorithm(), botan->signature_algorithm());
  EXPECT_TRUE(openssl_verifies(*botan, kMessage, botan->sign(kMessage)));
  EXPECT_TRUE(openssl_verifies(*botan, kMessage, openssl->sign(kMessage)));
}

TEST_P(BotanBackend, OpensKeyWrittenByOpenSsl) {
  std::string path = dir_.file("openssl.key");
  auto openssl = manager(path).generate(path, GetParam(), {});
  auto botan = manager("botan:" + path).open("botan:" + path, {});
  EXPECT_EQ(botan->algorithm(), GetParam());
  EXPECT_EQ(botan->public_key_der(), openssl->public_key_der());
  EXPECT_TRUE(openssl_verifies(*openssl, kMessage, botan->sign(kMessage)));
}

TEST_P(BotanBackend, SignsFromManyThreadsAtOnce) {
  std::string path = dir_.file("mt.key");
  auto signer = manager("botan:" + path).generate("botan:" + path, GetParam(), {});
  constexpr int kThreads = 8, kPerThread = 4;
  std::vector<std::vector<Bytes>> signatures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) signatures[t].push_back(signer->sign(kMessage));
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& per_thread : signatures) {
    for (const auto& signature : per_thread) {
      EXPECT_TRUE(openssl_verifies(*signer, kMessage, signature));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Algorithms, BotanBackend,
                         ::testing::Values(Algorithm::Rsa2048, Algorithm::EcdsaP256,
                                           Algorithm::EcdsaP384, Algorithm::Ed25519),
                         [](const auto& info) {
                           std::string name(algorithm_name(info.param));
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

class BotanKeyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!key_registry().supports("botan")) GTEST_SKIP() << "built without Botan";
    testing::write_private_file(pass_, "correct horse\n");
    testing::write_private_file(wrong_, "battery staple\n");
  }
  testing::TempDir dir_;
  std::string pass_ = dir_.file("pass");
  std::string wrong_ = dir_.file("wrong");
};

TEST_F(BotanKeyFiles, EncryptedKeysMoveBothWays) {
  KeyOptions options;
  options.passphrase_file = pass_;
  std::string botan_written = dir_.file("b.key");
  auto b = manager("botan:" + botan_written)
               .generate("botan:" + botan_written, Algorithm::EcdsaP256, options);
  EXPECT_EQ(manager(botan_written).open(botan_written, options)->public_key_der(),
            b->public_key_der());

  std::string openssl_written = dir_.file("o.key");
  auto o = manager(openssl_written).generate(openssl_written, Algorithm::Ed25519, options);
  EXPECT_EQ(manager("botan:" + openssl_written)
                .open("botan:" + openssl_written, options)
                ->public_key_der(),
            o->public_key_der());
}

TEST_F(BotanKeyFiles, EncryptedKeyNeedsTheRightPassphrase) {
  KeyOptions options;
  options.passphrase_file = pass_;
  std::string uri = "botan:" + dir_.file("k.key");
  manager(uri).generate(uri, Algorithm::EcdsaP256, options);
  EXPECT_THROW(manager(uri).open(uri, {}), Error);
  KeyOptions wrong;
  wrong.passphrase_file = wrong_;
  try {
    manager(uri).open(uri, wrong);
    FAIL() << "opened with the wrong passphrase";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    EXPECT_NE(e.message().find("k.key"), std::string::npos) << e.message();
    EXPECT_EQ(std::string(e.what()).find("battery"), std::string::npos) << "passphrase leaked";
  }
}

TEST_F(BotanKeyFiles, NeverOverwritesWithoutForce) {
  std::string uri = "botan:" + dir_.file("k.key");
  auto first = manager(uri).generate(uri, Algorithm::EcdsaP256, {});
  try {
    manager(uri).generate(uri, Algorithm::EcdsaP256, {});
    FAIL() << "overwrote an existing key";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
  }
  EXPECT_EQ(manager(uri).open(uri, {})->public_key_der(), first->public_key_der());
  KeyOptions force;
  force.force = true;
  auto second = manager(uri).generate(uri, Algorithm::EcdsaP256, force);
  EXPECT_NE(second->public_key_der(), first->public_key_der());
}

TEST_F(BotanKeyFiles, MissingAndMalformedKeysAreClearErrors) {
  std::string missing = "botan:" + dir_.file("missing.key");
  EXPECT_FALSE(manager(missing).exists(missing, {}));
  try {
    manager(missing).open(missing, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
  std::ofstream(dir_.file("junk.key"))
      << "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n";
  std::string junk = "botan:" + dir_.file("junk.key");
  try {
    manager(junk).open(junk, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    EXPECT_NE(e.message().find("junk.key"), std::string::npos);
  }
}

}  // namespace
}  // namespace kpki
