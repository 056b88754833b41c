// Reference, not kpki: the raw Botan signing loop (cli/bench/reference_loops.h). It calls Botan
// directly, so it names Botan's padding itself rather than asking the botan backend.
#include "cli/bench/reference_loops.h"

#ifdef KPKI_WITH_BOTAN
#include <botan/auto_rng.h>
#include <botan/data_src.h>
#include <botan/pkcs8.h>
#include <botan/pubkey.h>
#include <botan/x509_key.h>
#endif

namespace kpki::bench {

#ifdef KPKI_WITH_BOTAN
std::optional<ReferenceLoop> botan_sign_reference(const std::string& key_path,
                                                  ByteView message_view) {
  Botan::DataSource_Stream file(key_path);
  std::shared_ptr<const Botan::Private_Key> key = Botan::PKCS8::load_key(file);
  auto message = std::make_shared<Bytes>(message_view.begin(), message_view.end());
  std::vector<uint8_t> spki = Botan::X509::BER_encode(*key);
  Algorithm algorithm = algorithm_of_public_key(Bytes(spki.begin(), spki.end()));
  // What X.509 wants: PKCS#1 v1.5 or ECDSA over SHA-256 (SHA-384 for P-384), the ECDSA signature
  // DER-encoded; Ed25519 signs the message itself.
  std::string hash = algorithm == Algorithm::EcdsaP384 ? "SHA-384" : "SHA-256";
  std::string emsa = key_type(algorithm) == KeyType::Rsa  ? "EMSA3(" + hash + ")"
                     : key_type(algorithm) == KeyType::Ec ? "EMSA1(" + hash + ")"
                                                          : "Pure";
  Botan::Signature_Format format =
      key_type(algorithm) == KeyType::Ec ? Botan::DER_SEQUENCE : Botan::IEEE_1363;
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
