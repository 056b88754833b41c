#include "backends/botan/botan_key_file.h"

#include <botan/data_src.h>
#include <botan/pkcs8.h>

#include "core/fs/file_io.h"
#include "core/fs/file_permissions.h"
#include "core/fs/secret.h"
#include "core/keys/key_encryption.h"
#include "core/util/error.h"
#include "core/x509/pem.h"

namespace kpki {

std::unique_ptr<Botan::Private_Key> load_botan_private_key(const std::string& path,
                                                           const std::string& passphrase_file) {
  require_private_file(path, "key file");
  Bytes content = read_file(path);
  // The key's plaintext bytes: wiped whichever way this function leaves.
  WipeOnExit wipe_content(content);
  Secret passphrase;
  if (!passphrase_file.empty()) passphrase = read_secret_file(passphrase_file);
  return parse_botan_private_key(content, path, passphrase);
}

std::unique_ptr<Botan::Private_Key> parse_botan_private_key(ByteView content,
                                                            const std::string& origin,
                                                            const Secret& passphrase) {
  require_single_object(content, origin, "private key");
  try {
    Botan::DataSource_Memory source(content.data(), content.size());
    // Botan asks for a passphrase only when the key is encrypted; without one it throws.
    auto key = Botan::PKCS8::load_key(source, [&]() -> std::string {
      if (passphrase.empty()) {
        throw Error(ErrorCode::InvalidInput,
                    "private key '" + origin + "' is encrypted; give a passphrase file");
      }
      return passphrase.reveal();
    });
    if (!key) throw Error(ErrorCode::InvalidInput, "cannot read private key '" + origin + "'");
    return key;
  } catch (const Botan::Exception& e) {
    std::string hint = passphrase.empty() ? "" : " (wrong passphrase?)";
    throw Error(ErrorCode::InvalidInput,
                "cannot read private key '" + origin + "' as PKCS#8" + hint, e.what());
  }
}

std::string botan_private_key_pem(const Botan::Private_Key& key, const std::string& passphrase_file,
                                  Botan::RandomNumberGenerator& rng) {
  if (passphrase_file.empty()) return Botan::PKCS8::PEM_encode(key);
  Secret passphrase = read_secret_file(passphrase_file);
  if (passphrase.empty()) {
    throw Error(ErrorCode::InvalidInput, "passphrase file '" + passphrase_file + "' is empty");
  }
  return Botan::PKCS8::PEM_encode_encrypted_pbkdf_iter(
      key, rng, passphrase.reveal(), kKeyFilePbkdf2Iterations, "AES-256/CBC", "SHA-256");
}

}  // namespace kpki
