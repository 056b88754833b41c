#include "backends/botan/botan_algorithm.h"

#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/rsa.h>

namespace kpki {

std::string botan_emsa(Algorithm algorithm) {
  switch (key_type(algorithm)) {
    case KeyType::Rsa:
      return "EMSA3(SHA-256)";
    case KeyType::Ec:
      return "EMSA1(" + std::string(digest_name(algorithm)) + ")";
    case KeyType::Ed25519:
      return "Pure";
  }
  return "";
}

Botan::Signature_Format botan_signature_format(Algorithm algorithm) {
  return key_type(algorithm) == KeyType::Ec ? Botan::DER_SEQUENCE : Botan::IEEE_1363;
}

std::unique_ptr<Botan::Private_Key> botan_generate_key(Algorithm algorithm,
                                                       Botan::RandomNumberGenerator& rng) {
  switch (key_type(algorithm)) {
    case KeyType::Rsa:
      return std::make_unique<Botan::RSA_PrivateKey>(rng, static_cast<size_t>(rsa_bits(algorithm)));
    case KeyType::Ec: {
      // Botan's names for P-256/P-384; keys are encoded with the named-curve OID, as OpenSSL does.
      Botan::EC_Group group(algorithm == Algorithm::EcdsaP384 ? "secp384r1" : "secp256r1");
      return std::make_unique<Botan::ECDSA_PrivateKey>(rng, group);
    }
    case KeyType::Ed25519:
      return std::make_unique<Botan::Ed25519_PrivateKey>(rng);
  }
  return nullptr;
}

}  // namespace kpki
