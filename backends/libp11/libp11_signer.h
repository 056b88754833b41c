#pragma once
// A token key reached through libp11: the EVP_PKEY libp11 made for it carries libp11's RSA or EC
// method, so OpenSSL's EVP_DigestSign ends in the module's C_Sign. Nothing about the key is held
// but that EVP_PKEY and its public half.
#include <openssl/evp.h>
#include <sys/types.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "backends/pkcs11/pkcs11_token.h"
#include "core/keys/signer.h"
#include "core/util/ossl_ptr.h"

namespace kpki {

class Libp11Signer final : public Signer {
 public:
  // Finds the key again through libp11 (after fork()); returns its EVP_PKEY and SPKI.
  using Reopen = std::function<EvpPkeyPtr(Bytes* spki)>;

  // `token` is the raw driver's view of the same token (logged in); see current_key.
  Libp11Signer(Pkcs11Token& token, EvpPkeyPtr key, Bytes spki, std::string display, Reopen reopen);

  Algorithm algorithm() const override { return algorithm_; }
  const Bytes& public_key_der() const override { return spki_; }
  const Bytes& signature_algorithm() const override;
  Bytes sign(ByteView message) const override;

 private:
  // The key to sign with in this process. In a forked child, first the raw driver re-initialises
  // the module and logs in again (so its C_Finalize cannot close sessions libp11 opened in the
  // child), then the key is found again through libp11 on freshly listed slots: the parent's
  // EVP_PKEY names a slot id the re-initialised module may no longer have.
  std::shared_ptr<EVP_PKEY> current_key() const;

  Pkcs11Token& token_;
  Bytes spki_;
  Algorithm algorithm_;
  std::string display_;
  Reopen reopen_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<EVP_PKEY> key_;
  mutable pid_t pid_;
};

}  // namespace kpki
