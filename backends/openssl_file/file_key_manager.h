#pragma once
// Key files handled by OpenSSL: a bare path or file:PATH. Writes PKCS#8 PEM (encrypted with
// AES-256-CBC when a passphrase file is given), mode 0600, atomically; reads PKCS#8, PKCS#1
// "RSA PRIVATE KEY" and SEC1 "EC PRIVATE KEY".
#include "core/fs/secret.h"
#include "core/keys/key_capabilities.h"
#include "core/keys/key_manager.h"
#include "core/util/bytes.h"
#include "core/util/ossl_ptr.h"

namespace kpki {

class FileKeyManager final : public KeyManager, public PrivateKeyReader, public ExportableKeys {
 public:
  bool exists(const std::string& uri, const KeyOptions& options) override;
  std::unique_ptr<Signer> generate(const std::string& uri, Algorithm algorithm,
                                   const KeyOptions& options) override;
  std::unique_ptr<Signer> open(const std::string& uri, const KeyOptions& options) override;
  // The key file as unencrypted PKCS#8 DER, for kpki ca import.
  Bytes read_private_key(const std::string& uri, const KeyOptions& options) override;
  // In-memory keys for files kpki writes itself (leaf keys); an encrypted PEM is an error.
  ExportableKey generate_exportable(Algorithm algorithm) override;
  ExportableKey from_pem(const std::string& pem, const std::string& origin) override;
};

// Unencrypted PKCS#8 DER of `key`; no copy of it is left in OpenSSL's buffers.
Bytes private_key_to_pkcs8_der(EVP_PKEY* key);

// Loads a private key file (PEM in any of the forms above, or DER PKCS#8). Errors name the file.
EvpPkeyPtr load_private_key_file(const std::string& path, const std::string& passphrase_file);

// The one validation path for OpenSSL private keys, from a file or from memory (`origin` names
// it in errors): exactly one object, parsed (decrypted with `passphrase` if encrypted), and its
// private and public parts checked to agree.
EvpPkeyPtr parse_private_key(ByteView content, const std::string& origin, const Secret& passphrase);

// PKCS#8 PEM of `key`, encrypted with the passphrase when one is given.
std::string private_key_to_pem(EVP_PKEY* key, const std::string& passphrase_file);

}  // namespace kpki
