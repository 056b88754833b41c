#include "backends/botan/botan_key_manager.h"

#include <botan/auto_rng.h>
#include <botan/pkcs8.h>

#include "backends/botan/botan_algorithm.h"
#include "backends/botan/botan_key_file.h"
#include "backends/botan/botan_signer.h"
#include "backends/schemes/path_key_scheme.h"
#include "core/fs/file_io.h"
#include "core/util/error.h"

namespace kpki {

bool BotanKeyManager::exists(const std::string& uri, const KeyOptions&) {
  return file_exists(key_uri_path(uri));
}

std::unique_ptr<Signer> BotanKeyManager::generate(const std::string& uri, Algorithm algorithm,
                                                  const KeyOptions& options) {
  std::string path = key_uri_path(uri);
  // Checked before the (slow, for RSA) generation; write_file_atomic checks again, race-free.
  if (!options.force && file_exists(path)) {
    throw file_already_exists(path, "key file");
  }
  std::unique_ptr<Botan::Private_Key> key;
  std::string pem;
  try {
    Botan::AutoSeeded_RNG rng;
    key = botan_generate_key(algorithm, rng);
    pem = botan_private_key_pem(*key, options.passphrase_file, rng);
  } catch (const Botan::Exception& e) {
    throw Error(ErrorCode::CryptoError,
                "Botan could not generate a " + std::string(algorithm_name(algorithm)) + " key",
                e.what());
  }
  write_file_atomic(path, pem, 0600, options.force ? Overwrite::Yes : Overwrite::No);
  return std::make_unique<BotanSigner>(std::move(key));
}

std::unique_ptr<Signer> BotanKeyManager::open(const std::string& uri, const KeyOptions& options) {
  std::string path = key_uri_path(uri);
  if (!file_exists(path)) throw Error(ErrorCode::NotFound, "key '" + uri + "' does not exist");
  return std::make_unique<BotanSigner>(load_botan_private_key(path, options.passphrase_file));
}

Bytes BotanKeyManager::read_private_key(const std::string& uri, const KeyOptions& options) {
  std::string path = key_uri_path(uri);
  if (!file_exists(path)) throw Error(ErrorCode::NotFound, "key '" + uri + "' does not exist");
  auto key = load_botan_private_key(path, options.passphrase_file);
  // secure_vector wipes its own buffer; the copy handed out is the caller's to wipe.
  Botan::secure_vector<uint8_t> der = Botan::PKCS8::BER_encode(*key);
  return Bytes(der.begin(), der.end());
}

ExportableKey BotanKeyManager::generate_exportable(Algorithm algorithm) {
  std::unique_ptr<Botan::Private_Key> key;
  Secret pem;
  try {
    Botan::AutoSeeded_RNG rng;  // one per call: keys are made on several threads at once
    key = botan_generate_key(algorithm, rng);
    pem = Secret(Botan::PKCS8::PEM_encode(*key));
  } catch (const Botan::Exception& e) {
    throw Error(ErrorCode::CryptoError,
                "Botan could not generate a " + std::string(algorithm_name(algorithm)) + " key",
                e.what());
  }
  return ExportableKey{std::make_shared<BotanSigner>(std::move(key)), std::move(pem)};
}

ExportableKey BotanKeyManager::from_pem(const std::string& pem, const std::string& origin) {
  return ExportableKey{
      std::make_shared<BotanSigner>(parse_botan_private_key(as_bytes(pem), origin, Secret())),
      Secret(pem)};
}

}  // namespace kpki
