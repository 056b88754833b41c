#include "backends/openssl_file/pem_key_source.h"

#include <openssl/pem.h>

#include "backends/openssl_file/evp_signer.h"
#include "backends/openssl_file/file_key_manager.h"
#include "core/error.h"
#include "core/pem.h"

namespace kpki {

namespace {

// Never prompt on the terminal: leaf key files are unencrypted.
int no_passphrase(char*, int, int, void*) { return -1; }

}  // namespace

kube::LeafKey PemKeySource::generate(Algorithm algorithm) const {
  EvpPkeyPtr key = generate_evp_key(algorithm);
  Secret pem(private_key_to_pem(key.get(), ""));
  return kube::LeafKey{std::make_shared<EvpSigner>(std::move(key)), std::move(pem)};
}

kube::LeafKey PemKeySource::from_pem(const std::string& pem, const std::string& origin) const {
  require_single_object(as_bytes(pem), origin, "private key");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) throw_openssl_error(ErrorCode::InvalidInput, "'" + origin + "' is not a private key");
  return kube::LeafKey{std::make_shared<EvpSigner>(std::move(key)), Secret(pem)};
}

}  // namespace kpki
