#include "backends/openssl_file/evp_signer.h"

#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "backends/openssl_file/p256_leaf_key.h"
#include "core/util/error.h"
#include "core/x509/public_key.h"

namespace kpki {

EvpSigner::EvpSigner(EvpPkeyPtr private_key) : key_(std::move(private_key)) {
  public_key_der_ = public_key_to_der(key_.get());
  algorithm_ = algorithm_of_public_key(public_key_der_);
  max_signature_size_ = static_cast<size_t>(EVP_PKEY_get_size(key_.get()));
}

const EVP_MD_CTX* EvpSigner::prepared() const {
  // EVP_DigestSignInit fetches the provider's algorithms and sets up the key's context on every
  // call, ~15% of a P-256 signature in OpenSSL 3.0; it is done once and each signature starts
  // from a copy.
  std::call_once(prepare_once_, [this] {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, signature_digest(algorithm_), nullptr,
                                   key_.get()) != 1) {
      throw_openssl_error(ErrorCode::CryptoError, "cannot start signing");
    }
    prepared_ = std::move(ctx);
  });
  return prepared_.get();
}

const Bytes& EvpSigner::signature_algorithm() const { return signature_algorithm_der(algorithm_); }

Bytes EvpSigner::sign(ByteView message) const {
  // A fresh EVP_MD_CTX per call, copied from the prepared one (only read, so threads never
  // contend); the EVP_PKEY is shared read-only.
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), prepared()) != 1) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot start signing");
  }
  size_t len = max_signature_size_;
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
      if (algorithm == Algorithm::EcdsaP256) return generate_p256_key();
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
