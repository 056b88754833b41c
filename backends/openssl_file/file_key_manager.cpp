#include "backends/openssl_file/file_key_manager.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include <cstring>

#include "backends/openssl_file/evp_signer.h"
#include "backends/openssl_file/p256_leaf_key.h"
#include "backends/schemes/path_key_scheme.h"
#include "core/fs/file_io.h"
#include "core/fs/file_permissions.h"
#include "core/fs/secret.h"
#include "core/keys/key_encryption.h"
#include "core/util/error.h"
#include "core/x509/pem.h"

namespace kpki {

namespace {

// Supplies the passphrase to OpenSSL; with none, fails instead of prompting on the terminal.
int passphrase_callback(char* buf, int size, int /*rwflag*/, void* userdata) {
  const auto* secret = static_cast<const Secret*>(userdata);
  if (!secret || secret->empty()) return -1;
  int len = static_cast<int>(secret->reveal().size());
  if (len > size) return -1;
  std::memcpy(buf, secret->reveal().data(), static_cast<size_t>(len));
  return len;
}

Secret optional_passphrase(const std::string& passphrase_file) {
  return passphrase_file.empty() ? Secret() : read_secret_file(passphrase_file);
}

// A corrupted key file can still parse: an EC scalar outside [1, n), an RSA modulus that is not
// p*q. Signing with it gives certificates nobody can verify (or a different key than the file
// claims), so refuse it when it is read rather than after something was issued.
void check_key_consistency(EVP_PKEY* key, const std::string& path) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_private_check(ctx.get()) != 1 || EVP_PKEY_pairwise_check(ctx.get()) != 1) {
    throw_openssl_error(ErrorCode::InvalidInput,
                        "key file '" + path + "' is corrupt (private and public parts disagree)");
  }
}

}  // namespace

EvpPkeyPtr load_private_key_file(const std::string& path, const std::string& passphrase_file) {
  require_private_file(path, "key file");
  Bytes content = read_file(path);
  WipeOnExit wipe_content(content);
  return parse_private_key(content, path, optional_passphrase(passphrase_file));
}

EvpPkeyPtr parse_private_key(ByteView content, const std::string& path, const Secret& passphrase) {
  require_single_object(content, path, "private key");
  BioPtr bio(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  EvpPkeyPtr key;
  if (looks_like_pem(content)) {
    bool encrypted = std::string_view(reinterpret_cast<const char*>(content.data()), content.size())
                         .find("ENCRYPTED") != std::string_view::npos;
    key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback,
                                      const_cast<Secret*>(&passphrase)));
    if (!key && encrypted && passphrase.empty()) {
      ERR_clear_error();
      throw Error(ErrorCode::InvalidInput,
                  "key file '" + path + "' is encrypted: give its passphrase file");
    }
    if (!key && encrypted) {
      throw_openssl_error(ErrorCode::InvalidInput,
                          "cannot decrypt key file '" + path + "' (wrong passphrase?)");
    }
  } else {
    const unsigned char* p = content.data();
    key.reset(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(content.size())));
  }
  if (!key)
    throw_openssl_error(ErrorCode::InvalidInput, "'" + path + "' is not a private key file");
  check_key_consistency(key.get(), path);
  return key;
}

std::string private_key_to_pem(EVP_PKEY* key, const std::string& passphrase_file) {
  Secret passphrase = optional_passphrase(passphrase_file);
  // secmem BIO: the plaintext key bytes are wiped when the BIO is freed.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio) throw_openssl_error(ErrorCode::CryptoError, "cannot encode private key");
  if (passphrase.empty()) {
    if (!PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr))
      throw_openssl_error(ErrorCode::CryptoError, "cannot encode private key");
  } else {
    // PEM_write_bio_PKCS8PrivateKey would use PBKDF2's default 2,048 iterations: build the PBES2
    // envelope ourselves with the iteration count every kpki backend uses.
    OsslPtr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free> info(EVP_PKEY2PKCS8(key));
    OsslPtr<X509_SIG, X509_SIG_free> encrypted(
        info ? PKCS8_encrypt_ex(-1, EVP_aes_256_cbc(), passphrase.reveal().data(),
                                static_cast<int>(passphrase.reveal().size()), nullptr, 0,
                                static_cast<int>(kKeyFilePbkdf2Iterations), info.get(), nullptr,
                                nullptr)
             : nullptr);
    if (!encrypted || !PEM_write_bio_PKCS8(bio.get(), encrypted.get()))
      throw_openssl_error(ErrorCode::CryptoError, "cannot encrypt private key");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

bool FileKeyManager::exists(const std::string& uri, const KeyOptions&) {
  return file_exists(key_uri_path(uri));
}

std::unique_ptr<Signer> FileKeyManager::generate(const std::string& uri, Algorithm algorithm,
                                                 const KeyOptions& options) {
  std::string path = key_uri_path(uri);
  if (!options.force && file_exists(path)) {
    throw file_already_exists(path, "key file");
  }
  EvpPkeyPtr key = generate_evp_key(algorithm);
  Secret pem(private_key_to_pem(key.get(), options.passphrase_file));
  write_file_atomic(path, pem.reveal(), 0600, options.force ? Overwrite::Yes : Overwrite::No);
  return std::make_unique<EvpSigner>(std::move(key));
}

std::unique_ptr<Signer> FileKeyManager::open(const std::string& uri, const KeyOptions& options) {
  std::string path = key_uri_path(uri);
  try {
    return std::make_unique<EvpSigner>(load_private_key_file(path, options.passphrase_file));
  } catch (const Error& e) {
    if (e.message().find(path) != std::string::npos) throw;
    throw Error(e.code(), "key file '" + path + "': " + e.message(), e.cause());
  }
}

Bytes private_key_to_pkcs8_der(EVP_PKEY* key) {
  OsslPtr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free> info(EVP_PKEY2PKCS8(key));
  unsigned char* der = nullptr;
  int len = info ? i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der) : -1;
  if (len <= 0) throw_openssl_error(ErrorCode::CryptoError, "cannot encode private key");
  Bytes out(der, der + len);
  OPENSSL_clear_free(der, static_cast<size_t>(len));
  return out;
}

Bytes FileKeyManager::read_private_key(const std::string& uri, const KeyOptions& options) {
  return private_key_to_pkcs8_der(
      load_private_key_file(key_uri_path(uri), options.passphrase_file).get());
}

ExportableKey FileKeyManager::generate_exportable(Algorithm algorithm) {
  EvpPkeyPtr key = generate_evp_key(algorithm);
  EVP_PKEY* raw = key.get();  // the signer's from here on
  auto signer = std::make_shared<EvpSigner>(std::move(key));
  std::optional<std::string> p256 = p256_private_key_pem(raw, signer->public_key_der());
  Secret pem(p256 ? std::move(*p256) : private_key_to_pem(raw, ""));
  return ExportableKey{std::move(signer), std::move(pem)};
}

ExportableKey FileKeyManager::from_pem(const std::string& pem, const std::string& origin) {
  // Leaf key files are unencrypted: no passphrase, so an encrypted one is an error, not a prompt.
  EvpPkeyPtr key = parse_private_key(as_bytes(pem), origin, Secret());
  return ExportableKey{std::make_shared<EvpSigner>(std::move(key)), Secret(pem)};
}

}  // namespace kpki
