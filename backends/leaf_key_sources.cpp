#include "backends/leaf_key_sources.h"

#include "backends/openssl_file/pem_key_source.h"
#include "core/util/error.h"
#ifdef KPKI_WITH_BOTAN
#include "backends/botan/botan_leaf_key_source.h"
#endif

namespace kpki {

namespace {

#ifdef KPKI_WITH_BOTAN
// RSA-2048 here: OpenSSL 3.0 about 170 ms a key, Botan 2.19 about 90 ms; P-256 and Ed25519 keys
// cost OpenSSL well under a millisecond, so they stay with it.
class FastestLeafKeySource final : public LeafKeySource {
 public:
  LeafKey generate(Algorithm algorithm) const override {
    if (key_type(algorithm) == KeyType::Rsa) return botan_.generate(algorithm);
    return openssl_.generate(algorithm);
  }
  LeafKey from_pem(const std::string& pem, const std::string& origin) const override {
    return openssl_.from_pem(pem, origin);
  }

 private:
  PemKeySource openssl_;
  BotanLeafKeySource botan_;
};
#endif

}  // namespace

LeafKeyLibrary parse_leaf_key_library(std::string_view text) {
  if (text == "auto") return LeafKeyLibrary::Auto;
  if (text == "openssl") return LeafKeyLibrary::OpenSsl;
  if (text == "botan") return LeafKeyLibrary::Botan;
  throw Error(ErrorCode::InvalidInput, "unknown leaf key library '" + std::string(text) +
                                           "' (expected auto, openssl, botan)");
}

const LeafKeySource& leaf_key_source(LeafKeyLibrary library) {
  static const PemKeySource openssl;
#ifdef KPKI_WITH_BOTAN
  static const BotanLeafKeySource botan;
  static const FastestLeafKeySource fastest;
  if (library == LeafKeyLibrary::Botan) return botan;
  if (library == LeafKeyLibrary::Auto) return fastest;
#else
  if (library == LeafKeyLibrary::Botan)
    throw Error(ErrorCode::Unsupported, "leaf key library 'botan': kpki was built without Botan");
#endif
  return openssl;
}

}  // namespace kpki
