#include "backends/openssl_file/evp_signer.h"

#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "core/error.h"
#include "core/public_key.h"

namespace kpki {

EvpSigner::EvpSigner(EvpPkeyPtr private_key) : key_(std::move(private_key)) {
  public_key_der_ = public_key_to_der(key_.get());
  algorithm_ = algorithm_of_public_key(public_key_der_);
}

const Bytes& EvpSigner::signature_algorithm() const { return signature_algorithm_der(algorithm_); }

Bytes EvpSigner::sign(ByteView message) const {
  // A fresh EVP_MD_CTX per call: the EVP_PKEY is shared read-only, so threads never contend.
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, signature_digest(algorithm_), nullptr,
                                 key_.get()) != 1) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot start signing");
  }
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot size signature");
  }
  Bytes signature(len);
  if (EVP_DigestSign(ctx.get(), signature.data(), &len, message.data(), message.size()) != 1) {
    throw_openssl_error(ErrorCode::CryptoError, "signing failed");
  }
  signature.resize(len);
  return signature;
}

EvpPkeyPtr generate_evp_key(Algorithm algorithm) {
  EVP_PKEY* raw = nullptr;
  switch (key_type(algorithm)) {
    case KeyType::Rsa:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits(algorithm)));
      break;
    case KeyType::Ec:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC",
                              algorithm == Algorithm::EcdsaP384 ? "P-384" : "P-256");
      break;
    case KeyType::Ed25519:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  if (!raw) {
    throw_openssl_error(ErrorCode::CryptoError,
                        "cannot generate " + std::string(algorithm_name(algorithm)) + " key");
  }
  return EvpPkeyPtr(raw);
}

}  // namespace kpki
