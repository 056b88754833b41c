// Capabilities beyond KeyManager (listing tokens and keys) are found through the registry, by the
// key URI's scheme; a backend without one, or compiled out, is an Unsupported error.
#include <gtest/gtest.h>

#include <algorithm>

#include "backends/backends.h"
#include "backends/openssl_file/file_key_manager.h"
#include "backends/schemes/token_key_scheme.h"
#include "core/keys/key_capabilities.h"
#include "core/util/error.h"
#include "tests/support/error_of.h"
#include "tests/support/softhsm_token.h"

namespace kpki {
namespace {

using testing::error_of;

TEST(KeyCapabilities, TokensAndKeysAreListedThroughTheRegistry) {
  if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  test::SoftHsmToken token;
  key_registry()
      .manager_for(token.uri("listed"))
      .generate(token.uri("listed"), Algorithm::EcdsaP256, {});
  KeyOptions options;
  options.pkcs11_module = token.module();
  auto tokens =
      key_registry().capability<TokenLister>("pkcs11:", "list tokens").list_tokens(options);
  auto mine = std::find_if(tokens.begin(), tokens.end(),
                           [&](const TokenInfo& t) { return t.label == token.label(); });
  ASSERT_NE(mine, tokens.end());
  EXPECT_TRUE(mine->present);
  EXPECT_EQ(mine->serial, token.serial());
  EXPECT_EQ(mine->uri.rfind("pkcs11:token=", 0), 0u) << mine->uri;

  std::string uri = token.uri("");
  auto keys = key_registry().capability<KeyLister>(uri, "list keys").list_keys(uri, {});
  ASSERT_EQ(keys.size(), 2u);  // private + public
  for (const auto& k : keys) {
    EXPECT_EQ(k.label, "listed");
    EXPECT_EQ(k.type, "ec");
    EXPECT_EQ(k.id_hex.size(), 32u);
  }
}

TEST(KeyCapabilities, BackendWithoutTheCapabilityIsUnsupported) {
  for (std::string uri : {"some/dir/ca.key", "file:ca.key", "botan:ca.key"}) {
    if (uri.rfind("botan:", 0) == 0 && !key_registry().supports("botan")) continue;
    Error e = error_of([&] { key_registry().capability<KeyLister>(uri, "list keys"); });
    EXPECT_EQ(e.code(), ErrorCode::Unsupported) << uri;
    EXPECT_NE(e.message().find("cannot list keys"), std::string::npos) << e.message();
  }
}

TEST(KeyCapabilities, CompiledOutBackendSaysSo) {
  KeyRegistry registry;  // as a build without PKCS#11 has it: the descriptor, no manager
  registry.add("file", std::make_unique<FileKeyManager>());
  registry.add(std::make_unique<TokenKeyScheme>("pkcs11", "PKCS#11"), nullptr);
  Error e = error_of([&] { registry.capability<TokenLister>("pkcs11:", "list tokens"); });
  EXPECT_EQ(e.code(), ErrorCode::Unsupported);
  EXPECT_NE(e.message().find("built without PKCS#11 support"), std::string::npos) << e.message();
}

}  // namespace
}  // namespace kpki
