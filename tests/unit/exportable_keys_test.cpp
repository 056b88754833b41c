// One way to make a key: the software backends' key managers make the keys kpki writes to files
// itself (Kubernetes leaf keys, kubeconfigs) through one optional capability, ExportableKeys,
// found through the registry like any other; a token backend does not offer it. Their PEM is the
// same unencrypted PKCS#8 either way, so each backend reads the other's.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/fs/file_io.h"
#include "core/keys/key_capabilities.h"
#include "core/util/error.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/public_key.h"
#include "tests/support/error_of.h"

namespace kpki {
namespace {

using testing::error_of;

bool verifies(const Signer& signer, ByteView message, ByteView signature) {
  EvpPkeyPtr key = public_key_from_der(signer.public_key_der());
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  return EVP_DigestVerifyInit(ctx.get(), nullptr, signature_digest(signer.algorithm()), nullptr,
                              key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

std::vector<std::string> software_schemes() {
  std::vector<std::string> out = {"file:leaf.key"};
  if (key_registry().supports("botan")) out.push_back("botan:leaf.key");
  return out;
}

TEST(ExportableKeys, SoftwareBackendsMakeKeysThatReopenAndSign) {
  const Bytes message = {'k', 'p', 'k', 'i'};
  for (const std::string& uri : software_schemes()) {
    ExportableKeys& keys = key_registry().capability<ExportableKeys>(uri, "make leaf keys");
    for (Algorithm algorithm : {Algorithm::EcdsaP256, Algorithm::Ed25519, Algorithm::Rsa2048}) {
      SCOPED_TRACE(uri + " " + std::string(algorithm_name(algorithm)));
      ExportableKey key = keys.generate_exportable(algorithm);
      ASSERT_TRUE(key.signer);
      EXPECT_EQ(key.pem.reveal().rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
      EXPECT_EQ(key.signer->algorithm(), algorithm);
      EXPECT_TRUE(verifies(*key.signer, message, key.signer->sign(message)));
      // Every software backend reads every other's PEM back to the same key.
      for (const std::string& reader : software_schemes()) {
        ExportableKey again = key_registry()
                                  .capability<ExportableKeys>(reader, "read leaf keys")
                                  .from_pem(key.pem.reveal(), "leaf.key");
        EXPECT_EQ(again.signer->public_key_der(), key.signer->public_key_der()) << reader;
        EXPECT_TRUE(verifies(*key.signer, message, again.signer->sign(message))) << reader;
      }
    }
  }
}

TEST(ExportableKeys, EncryptedPemIsRefusedNamingItsOrigin) {
  std::string encrypted = read_text_file(std::string(KPKI_SOURCE_DIR) +
                                         "/tests/data/bad/keys/unreadable/encrypted-pkcs8.pem");
  for (const std::string& uri : software_schemes()) {
    ExportableKeys& keys = key_registry().capability<ExportableKeys>(uri, "read leaf keys");
    Error e = error_of([&] { keys.from_pem(encrypted, "nodes/w1/kubelet.key"); });
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput) << uri;
    EXPECT_NE(e.message().find("nodes/w1/kubelet.key"), std::string::npos) << e.message();
  }
}

TEST(ExportableKeys, TokenBackendsDoNotExportKeys) {
  if (!key_registry().supports("pkcs11")) GTEST_SKIP() << "built without PKCS#11";
  Error e = error_of([] {
    key_registry().capability<ExportableKeys>("pkcs11:token=t;object=k", "make leaf keys");
  });
  EXPECT_EQ(e.code(), ErrorCode::Unsupported);
  EXPECT_NE(e.message().find("cannot make leaf keys"), std::string::npos) << e.message();
}

// Each --leaf-key-library choice is the registry's managers behind one adapter: whichever makes
// the key, the signer is the file backend's reading of its PEM (what init reads back from disk).
TEST(ExportableKeys, LeafKeyLibrariesReadTheirKeysThroughTheFileBackend) {
  std::vector<LeafKeyLibrary> libraries = {LeafKeyLibrary::OpenSsl, LeafKeyLibrary::Auto};
  if (key_registry().supports("botan")) libraries.push_back(LeafKeyLibrary::Botan);
  ExportableKeys& file = key_registry().capability<ExportableKeys>("file:k", "read leaf keys");
  for (LeafKeyLibrary library : libraries) {
    for (Algorithm algorithm : {Algorithm::EcdsaP256, Algorithm::Rsa2048}) {
      LeafKey key = leaf_key_source(library).generate(algorithm);
      EXPECT_EQ(key.signer->algorithm(), algorithm);
      EXPECT_EQ(file.from_pem(key.pem.reveal(), "k").signer->public_key_der(),
                key.signer->public_key_der());
      EXPECT_EQ(key.signer->signature_algorithm(),
                file.from_pem(key.pem.reveal(), "k").signer->signature_algorithm());
    }
  }
}

}  // namespace
}  // namespace kpki
