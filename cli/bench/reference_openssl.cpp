// Reference, not kpki: raw OpenSSL loops (cli/bench/reference_loops.h).
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "cli/bench/reference_loops.h"
#include "core/util/error.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/public_key.h"

namespace kpki::bench {

namespace {

// The digest kpki signs with for this key (none for Ed25519), decided by core as for kpki itself.
const EVP_MD* digest_for(ByteView spki_der) {
  return signature_digest(algorithm_of_public_key(spki_der));
}

// The benchmark's own unencrypted key file, read by OpenSSL alone.
std::shared_ptr<EVP_PKEY> read_key_file(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!key) throw_openssl_error(ErrorCode::InvalidInput, "reference: cannot read '" + path + "'");
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

}  // namespace

ReferenceLoop openssl_keygen_reference(Algorithm algorithm) {
  auto keygen = [algorithm] {
    EvpPkeyPtr key;
    switch (key_type(algorithm)) {
      case KeyType::Rsa:
        key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(rsa_bits(algorithm))));
        break;
      case KeyType::Ec:
        key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC",
                                    algorithm == Algorithm::EcdsaP384 ? "P-384" : "P-256"));
        break;
      default:
        key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    }
    if (!key) throw_openssl_error(ErrorCode::CryptoError, "reference: EVP_PKEY_Q_keygen");
  };
  return {"OpenSSL EVP_PKEY_Q_keygen", shared_operation(keygen)};
}

ReferenceLoop openssl_sign_reference(const std::string& key_path, ByteView message_view) {
  std::shared_ptr<EVP_PKEY> key = read_key_file(key_path);
  auto message = std::make_shared<Bytes>(message_view.begin(), message_view.end());
  const EVP_MD* md = digest_for(public_key_to_der(key.get()));
  auto factory = [key, message, md]() -> std::function<void()> {
    // Per thread: the initialised context, a scratch context and a buffer of the maximum size.
    auto prepared = std::make_shared<EvpMdCtxPtr>(EVP_MD_CTX_new());
    auto scratch = std::make_shared<EvpMdCtxPtr>(EVP_MD_CTX_new());
    if (EVP_DigestSignInit(prepared->get(), nullptr, md, nullptr, key.get()) != 1) {
      throw_openssl_error(ErrorCode::CryptoError, "reference: EVP_DigestSignInit");
    }
    auto signature = std::make_shared<Bytes>(static_cast<size_t>(EVP_PKEY_get_size(key.get())));
    return [prepared, scratch, signature, message] {
      size_t len = signature->size();
      if (EVP_MD_CTX_copy_ex(scratch->get(), prepared->get()) != 1 ||
          EVP_DigestSign(scratch->get(), signature->data(), &len, message->data(),
                         message->size()) != 1) {
        throw_openssl_error(ErrorCode::CryptoError, "reference: EVP_DigestSign");
      }
    };
  };
  return {"OpenSSL EVP_DigestSign", factory};
}

ReferenceLoop openssl_verify_reference(ByteView spki_der, ByteView message_view,
                                       ByteView signature_view) {
  std::shared_ptr<EVP_PKEY> key(public_key_from_der(spki_der).release(), EVP_PKEY_free);
  auto message = std::make_shared<Bytes>(message_view.begin(), message_view.end());
  auto signature = std::make_shared<Bytes>(signature_view.begin(), signature_view.end());
  const EVP_MD* md = digest_for(spki_der);
  // Verification the way the issuer re-checks a certificate (X509_verify): a fresh context per
  // signature.
  auto verify = [key, message, signature, md] {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.get()) != 1 ||
        EVP_DigestVerify(ctx.get(), signature->data(), signature->size(), message->data(),
                         message->size()) != 1) {
      throw_openssl_error(ErrorCode::CryptoError, "reference: EVP_DigestVerify");
    }
  };
  return {"OpenSSL EVP_DigestVerify", shared_operation(verify)};
}

}  // namespace kpki::bench
