#include <openssl/evp.h>

#include <memory>

#include "backends/openssl_file/file_key_manager.h"
#include "cli/bench/reference_loops.h"
#include "core/util/error.h"
#include "core/x509/public_key.h"

namespace kpki::bench {

namespace {

// The digest kpki signs with for this key (none for Ed25519), decided by core as for kpki itself.
const EVP_MD* digest_for(ByteView spki_der) {
  return signature_digest(algorithm_of_public_key(spki_der));
}

}  // namespace

ReferenceLoop openssl_sign_reference(const std::string& key_path, ByteView message_view) {
  std::shared_ptr<EVP_PKEY> key(load_private_key_file(key_path, "").release(), EVP_PKEY_free);
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
