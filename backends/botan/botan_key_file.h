#pragma once
// PKCS#8 PEM private key files as Botan reads and writes them: "PRIVATE KEY", or "ENCRYPTED
// PRIVATE KEY" (PBES2, PBKDF2-HMAC-SHA-256, AES-256-CBC, the scheme OpenSSL 3 also writes) when a
// passphrase file is given. Files are interchangeable with the OpenSSL file backend's.
#include <memory>
#include <string>

#include <botan/pk_keys.h>
#include <botan/rng.h>

#include "core/fs/secret.h"
#include "core/util/bytes.h"

namespace kpki {

// Loads a PKCS#8 PEM (or DER) private key. Errors name the file, never the passphrase.
std::unique_ptr<Botan::Private_Key> load_botan_private_key(const std::string& path,
                                                           const std::string& passphrase_file);

// The same from memory: `origin` names the key in errors; an encrypted key without `passphrase`
// is an error.
std::unique_ptr<Botan::Private_Key> parse_botan_private_key(ByteView content,
                                                            const std::string& origin,
                                                            const Secret& passphrase);

// PKCS#8 PEM of `key`; encrypted when `passphrase_file` is not empty.
std::string botan_private_key_pem(const Botan::Private_Key& key, const std::string& passphrase_file,
                                  Botan::RandomNumberGenerator& rng);

}  // namespace kpki
