#pragma once
// A Signer over a Botan private key held in memory. Botan's RNG and PK_Signer keep per-operation
// state, so each concurrent sign() leases its own (RNG, PK_Signer) pair from a pool; the key itself
// is only read and is shared.
#include <memory>
#include <string>

#include <botan/auto_rng.h>
#include <botan/pk_keys.h>
#include <botan/pubkey.h>

#include "backends/botan/context_pool.h"
#include "core/keys/signer.h"

namespace kpki {

class BotanSigner final : public Signer {
 public:
  // Throws Unsupported when the key is not one of kpki's algorithms.
  explicit BotanSigner(std::unique_ptr<Botan::Private_Key> private_key);

  Algorithm algorithm() const override { return algorithm_; }
  const Bytes& public_key_der() const override { return public_key_der_; }
  const Bytes& signature_algorithm() const override;
  Bytes sign(ByteView message) const override;

 private:
  struct Context {
    Context(const Botan::Private_Key& key, const std::string& emsa, Botan::Signature_Format format);
    Botan::AutoSeeded_RNG rng;
    Botan::PK_Signer signer;
  };

  std::unique_ptr<Botan::Private_Key> key_;
  Algorithm algorithm_;
  Bytes public_key_der_;
  std::string emsa_;
  Botan::Signature_Format format_;
  mutable ContextPool<Context> pool_;
};

}  // namespace kpki
