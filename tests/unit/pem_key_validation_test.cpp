// One validation path for OpenSSL private keys: a key file (the file backend) and a PEM leaf key
// (its ExportableKeys::from_pem, kpki init's existing leaf keys) are refused for the same reasons.
#include <gtest/gtest.h>

#include "backends/leaf_key_sources.h"
#include "core/fs/file_io.h"
#include "core/util/error.h"

namespace kpki {
namespace {

std::string bad_key(const std::string& name) {
  return read_text_file(std::string(KPKI_SOURCE_DIR) + "/tests/data/bad/keys/" + name);
}

ErrorCode leaf_key_error(const std::string& pem) {
  try {
    leaf_key_source(LeafKeyLibrary::OpenSsl).from_pem(pem, "leaf.key");
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("leaf.key"), std::string::npos) << e.message();
    return e.code();
  }
  ADD_FAILURE() << "accepted";
  return ErrorCode::CryptoError;
}

TEST(PemKeyValidation, LeafKeyWhosePartsDisagreeIsRefused) {
  // Parses, but the modulus is not the private key's: certificates for it would not verify.
  EXPECT_EQ(leaf_key_error(bad_key("inconsistent/rsa-modulus-changed.pem")),
            ErrorCode::InvalidInput);
}

TEST(PemKeyValidation, LeafKeyWithTwoObjectsIsRefused) {
  EXPECT_EQ(leaf_key_error(bad_key("multi/two-keys.pem")), ErrorCode::InvalidInput);
}

TEST(PemKeyValidation, GoodLeafKeyRoundTrips) {
  const LeafKeySource& source = leaf_key_source(LeafKeyLibrary::OpenSsl);
  auto fresh = source.generate(Algorithm::EcdsaP256);
  auto again = source.from_pem(std::string(fresh.pem.reveal()), "leaf.key");
  EXPECT_EQ(again.signer->public_key_der(), fresh.signer->public_key_der());
}

}  // namespace
}  // namespace kpki
