#include "backends/botan/botan_signer.h"

#include <botan/x509_key.h>

#include "backends/botan/botan_algorithm.h"
#include "core/util/error.h"

namespace kpki {

namespace {

Bytes spki_of(const Botan::Private_Key& key) {
  std::vector<uint8_t> der = Botan::X509::BER_encode(key);
  return Bytes(der.begin(), der.end());
}

}  // namespace

BotanSigner::Context::Context(const Botan::Private_Key& key, const std::string& emsa,
                              Botan::Signature_Format format)
    : signer(key, rng, emsa, format) {}

BotanSigner::BotanSigner(std::unique_ptr<Botan::Private_Key> private_key)
    : key_(std::move(private_key)),
      // The SPKI is parsed by core (OpenSSL) so both software backends agree on which keys are
      // supported and name unsupported ones the same way.
      algorithm_(algorithm_of_public_key(spki_of(*key_))),
      public_key_der_(spki_of(*key_)),
      emsa_(botan_emsa(algorithm_)),
      format_(botan_signature_format(algorithm_)),
      pool_([this] { return std::make_unique<Context>(*key_, emsa_, format_); }) {}

const Bytes& BotanSigner::signature_algorithm() const {
  return signature_algorithm_der(algorithm_);
}

Bytes BotanSigner::sign(ByteView message) const {
  try {
    auto context = pool_.acquire();
    std::vector<uint8_t> signature =
        context->signer.sign_message(message.data(), message.size(), context->rng);
    return Bytes(signature.begin(), signature.end());
  } catch (const Botan::Exception& e) {
    throw Error(ErrorCode::CryptoError,
                "Botan could not sign with the " + std::string(algorithm_name(algorithm_)) + " key",
                e.what());
  }
}

}  // namespace kpki
