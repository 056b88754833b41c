#pragma once
// Key files handled by Botan: botan:PATH. Keys are generated with Botan's AutoSeeded_RNG and
// stored as PKCS#8 PEM (optionally passphrase-encrypted), mode 0600, written atomically. The file
// format is the OpenSSL file backend's, so a key can be moved between the two backends by URI.
#include "core/keys/key_capabilities.h"
#include "core/keys/key_manager.h"

namespace kpki {

class BotanKeyManager final : public KeyManager, public PrivateKeyReader, public ExportableKeys {
 public:
  bool exists(const std::string& uri, const KeyOptions& options) override;
  std::unique_ptr<Signer> generate(const std::string& uri, Algorithm algorithm,
                                   const KeyOptions& options) override;
  std::unique_ptr<Signer> open(const std::string& uri, const KeyOptions& options) override;
  // The key file as unencrypted PKCS#8 DER, for kpki ca import.
  Bytes read_private_key(const std::string& uri, const KeyOptions& options) override;
  // In-memory keys for files kpki writes itself (kpki init --leaf-key-library botan).
  ExportableKey generate_exportable(Algorithm algorithm) override;
  ExportableKey from_pem(const std::string& pem, const std::string& origin) override;
};

}  // namespace kpki
