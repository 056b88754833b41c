#include "backends/openssl_file/pem_key_source.h"

#include "backends/openssl_file/evp_signer.h"
#include "backends/openssl_file/file_key_manager.h"
#include "core/util/error.h"

namespace kpki {

LeafKey PemKeySource::generate(Algorithm algorithm) const {
  EvpPkeyPtr key = generate_evp_key(algorithm);
  Secret pem(private_key_to_pem(key.get(), ""));
  return LeafKey{std::make_shared<EvpSigner>(std::move(key)), std::move(pem)};
}

LeafKey PemKeySource::from_pem(const std::string& pem, const std::string& origin) const {
  // Leaf key files are unencrypted: no passphrase, so an encrypted one is an error, not a prompt.
  EvpPkeyPtr key = parse_private_key(as_bytes(pem), origin, Secret());
  return LeafKey{std::make_shared<EvpSigner>(std::move(key)), Secret(pem)};
}

}  // namespace kpki
