#pragma once
// The pkcs11: backend: keys generated on and used from a PKCS#11 token (SoftHSM2, an HSM, a
// smart card), named by RFC 7512 URIs. The private key never leaves the token.
//
// Beyond KeyManager it lists a module's tokens and a token's keys (kpki hsm tokens|keys) and
// imports existing keys (kpki ca import), as the TokenLister, KeyLister and KeyImporter
// capabilities the registry hands out.
#include <optional>
#include <string>
#include <vector>

#include "backends/pkcs11/pkcs11_objects.h"
#include "backends/pkcs11/pkcs11_token.h"
#include "core/keys/key_capabilities.h"
#include "core/keys/key_manager.h"
#include "core/keys/key_removal.h"

namespace kpki {

// The module file for a URI: its module-name (through p11-kit's registry), else its module-path,
// else `option_module` (--pkcs11-module), else $KPKI_PKCS11_MODULE, else pkcs11_default_module().
// Whichever it is, Pkcs11Module checks the file before loading it.
std::string pkcs11_module_path(const Pkcs11Uri& uri, const std::string& option_module);

class Pkcs11KeyManager final : public KeyManager,
                               public TokenLister,
                               public KeyLister,
                               public KeyImporter,
                               public PartialKeyRecovery,
                               public KeyRemover {
 public:
  bool exists(const std::string& uri, const KeyOptions& options) override;
  std::unique_ptr<Signer> generate(const std::string& uri, Algorithm algorithm,
                                   const KeyOptions& options) override;
  std::unique_ptr<Signer> open(const std::string& uri, const KeyOptions& options) override;

  // Puts an existing RSA or EC key on the token as a generated CA key would be (see
  // pkcs11_import.h); AlreadyExists when the label or id is taken.
  std::unique_ptr<Signer> import_key(ByteView pkcs8_der, const std::string& uri,
                                     const KeyOptions& options) override;

  // Any object with the URI's label or id; the objects with its label unless they are a key that
  // opens (private key plus public key object, or an RSA private key alone).
  bool occupied(const std::string& uri, const KeyOptions& options) override;
  size_t remove_partial_key(const std::string& uri, const KeyOptions& options) override;
  size_t remove_key(const std::string& uri, const KeyOptions& options) override;

  // Every slot of options.pkcs11_module ("" = default resolution), with its token if present.
  std::vector<TokenInfo> list_tokens(const KeyOptions& options) override;

  // The key objects on the token `uri` selects (after logging in, so private keys show).
  std::vector<KeyInfo> list_keys(const std::string& uri, const KeyOptions& options) override;
};

}  // namespace kpki
