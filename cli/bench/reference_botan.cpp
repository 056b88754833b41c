#include "cli/bench/reference_loops.h"

#ifdef KPKI_WITH_BOTAN
#include <botan/auto_rng.h>
#include <botan/pubkey.h>
#include <botan/x509_key.h>

#include "backends/botan/botan_algorithm.h"
#include "backends/botan/botan_key_file.h"
#endif

namespace kpki::bench {

#ifdef KPKI_WITH_BOTAN
std::optional<ReferenceLoop> botan_sign_reference(const std::string& key_path,
                                                  ByteView message_view) {
  std::shared_ptr<const Botan::Private_Key> key = load_botan_private_key(key_path, "");
  auto message = std::make_shared<Bytes>(message_view.begin(), message_view.end());
  std::vector<uint8_t> spki = Botan::X509::BER_encode(*key);
  Algorithm algorithm = algorithm_of_public_key(Bytes(spki.begin(), spki.end()));
  std::string emsa = botan_emsa(algorithm);
  Botan::Signature_Format format = botan_signature_format(algorithm);
  auto factory = [key, message, emsa, format]() -> std::function<void()> {
    auto rng = std::make_shared<Botan::AutoSeeded_RNG>();
    auto signer = std::make_shared<Botan::PK_Signer>(*key, *rng, emsa, format);
    return [key, rng, signer, message] {
      signer->sign_message(message->data(), message->size(), *rng);
    };
  };
  return ReferenceLoop{"Botan PK_Signer", factory};
}
#else
std::optional<ReferenceLoop> botan_sign_reference(const std::string&, ByteView) {
  return std::nullopt;
}
#endif

}  // namespace kpki::bench
