#include "backends/botan/botan_leaf_key_source.h"

#include <botan/auto_rng.h>
#include <botan/pkcs8.h>

#include "backends/botan/botan_algorithm.h"
#include "backends/openssl_file/pem_key_source.h"
#include "core/util/error.h"

namespace kpki {

LeafKey BotanLeafKeySource::generate(Algorithm algorithm) const {
  Secret pem;
  try {
    Botan::AutoSeeded_RNG rng;  // one per call: keys are made on several threads at once
    pem = Secret(Botan::PKCS8::PEM_encode(*botan_generate_key(algorithm, rng)));
  } catch (const Botan::Exception& e) {
    throw Error(ErrorCode::CryptoError,
                "Botan could not generate a " + std::string(algorithm_name(algorithm)) + " key",
                e.what());
  }
  return from_pem(pem.reveal(),
                  "Botan-generated " + std::string(algorithm_name(algorithm)) + " key");
}

LeafKey BotanLeafKeySource::from_pem(const std::string& pem, const std::string& origin) const {
  return PemKeySource().from_pem(pem, origin);
}

}  // namespace kpki
