#pragma once
// A Signer over an OpenSSL EVP_PKEY that holds its private key in memory (a key file). Also the
// reference signer other backends are compared with.
#include <mutex>

#include "core/keys/signer.h"
#include "core/util/ossl_ptr.h"

namespace kpki {

class EvpSigner final : public Signer {
 public:
  // Throws Unsupported when the key is not one of kpki's algorithms.
  explicit EvpSigner(EvpPkeyPtr private_key);

  Algorithm algorithm() const override { return algorithm_; }
  const Bytes& public_key_der() const override { return public_key_der_; }
  const Bytes& signature_algorithm() const override;
  Bytes sign(ByteView message) const override;

 private:
  const EVP_MD_CTX* prepared() const;

  EvpPkeyPtr key_;
  // EVP_DigestSignInit done once, at the first signature (a leaf key of a tree never signs);
  // copied for each signature.
  mutable std::once_flag prepare_once_;
  mutable EvpMdCtxPtr prepared_;
  size_t max_signature_size_ = 0;
  Algorithm algorithm_;
  Bytes public_key_der_;
};

// Generates a fresh key of `algorithm` with OpenSSL.
EvpPkeyPtr generate_evp_key(Algorithm algorithm);

}  // namespace kpki
