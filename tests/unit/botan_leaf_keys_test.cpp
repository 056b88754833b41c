// Leaf keys made by Botan (kpki init's default for RSA) are the standard unencrypted PKCS#8 PEM
// the OpenSSL source writes: the OpenSSL file backend opens them, and they sign what verifies.
#ifdef KPKI_WITH_BOTAN
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <filesystem>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/fs/file_io.h"
#include "core/kubernetes/tree/leaf_key_pool.h"
#include "core/util/error.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/public_key.h"

namespace kpki {
namespace {

bool verifies(ByteView spki_der, Algorithm algorithm, ByteView message, ByteView signature) {
  EvpPkeyPtr key = public_key_from_der(spki_der);
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  return EVP_DigestVerifyInit(ctx.get(), nullptr, signature_digest(algorithm), nullptr,
                              key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

class BotanLeafKeys : public ::testing::TestWithParam<Algorithm> {};

TEST_P(BotanLeafKeys, OpenSslFileBackendOpensTheKey) {
  LeafKey key = leaf_key_source(LeafKeyLibrary::Botan).generate(GetParam());
  const std::string& pem = key.pem.reveal();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << "not unencrypted PKCS#8";
  EXPECT_EQ(algorithm_of_public_key(key.signer->public_key_der()), GetParam());

  std::string dir = ::testing::TempDir() + "botan-leaf-" + std::string(algorithm_name(GetParam()));
  std::filesystem::create_directories(dir);
  std::string path = dir + "/leaf.key";
  write_file_atomic(path, pem, 0600, Overwrite::Yes);
  auto opened = key_registry().manager_for(path).open(path, {});
  EXPECT_EQ(opened->public_key_der(), key.signer->public_key_der());
  // The OpenSSL-opened key signs what the Botan-made public key verifies.
  Bytes message = {'k', 'p', 'k', 'i'};
  EXPECT_TRUE(verifies(key.signer->public_key_der(), GetParam(), message, opened->sign(message)));
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, BotanLeafKeys,
                         ::testing::Values(Algorithm::Rsa2048, Algorithm::EcdsaP256),
                         [](const auto& info) {
                           std::string name(algorithm_name(info.param));
                           std::erase(name, '-');
                           return name;
                         });

TEST(LeafKeySources, BotanKeysInThePoolAreDistinctAndInOrder) {
  std::vector<Algorithm> planned = {Algorithm::Rsa2048, Algorithm::EcdsaP256, Algorithm::Rsa2048};
  auto keys = kube::generate_leaf_keys(leaf_key_source(LeafKeyLibrary::Botan), planned, {2, {}});
  for (size_t i = 0; i < planned.size(); ++i)
    EXPECT_EQ(algorithm_of_public_key(keys[i].signer->public_key_der()), planned[i]) << i;
  EXPECT_NE(keys[0].signer->public_key_der(), keys[2].signer->public_key_der());
}

TEST(LeafKeySources, UnknownLibraryIsNamed) {
  try {
    parse_leaf_key_library("gnutls");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("'gnutls'"), std::string::npos) << e.message();
  }
  EXPECT_EQ(parse_leaf_key_library("botan"), LeafKeyLibrary::Botan);
}

}  // namespace
}  // namespace kpki
#endif
