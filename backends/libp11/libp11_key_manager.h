#pragma once
// The libp11: backend: the same RFC 7512 attributes as pkcs11: under the scheme libp11:, with the
// key found and used through libp11 0.4.12 (PKCS11_enumerate_keys, PKCS11_get_private_key, and
// OpenSSL's EVP over libp11's RSA/EC methods) instead of kpki's raw driver. Module checks, token
// selection and login are shared with pkcs11: (one login per token per process serves both).
//
// What libp11 0.4.12 lacks is Unsupported: Ed25519 keys, and generating keys (its generator makes
// RSA keys that may also decrypt and unwrap, and switching its session mode closes every session
// of the process on that slot, the raw driver's login included). Generate with pkcs11:, then open
// the same key with libp11:.
#include <string>

#include "core/keys/key_manager.h"

namespace kpki {

class Libp11KeyManager final : public KeyManager {
 public:
  bool exists(const std::string& uri, const KeyOptions& options) override;
  std::unique_ptr<Signer> generate(const std::string& uri, Algorithm algorithm,
                                   const KeyOptions& options) override;
  std::unique_ptr<Signer> open(const std::string& uri, const KeyOptions& options) override;
};

}  // namespace kpki
