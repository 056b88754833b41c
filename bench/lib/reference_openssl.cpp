#include <openssl/evp.h>

#include <stdexcept>

#include "backends/openssl_file/file_key_manager.h"
#include "bench/lib/reference_loops.h"
#include "core/error.h"
#include "core/public_key.h"

namespace kpki::bench {

namespace {

// The digest kpki signs with for this key (none for Ed25519), decided by core as for kpki itself.
const EVP_MD* digest_for(EVP_PKEY* key) {
  return signature_digest(algorithm_of_public_key(public_key_to_der(key)));
}

}  // namespace

ReferenceResult openssl_sign_reference(const std::string& key_path, ByteView message, int threads,
                                       std::chrono::duration<double> duration) {
  EvpPkeyPtr key = load_private_key_file(key_path, "");
  const EVP_MD* md = digest_for(key.get());
  auto factory = [&]() -> std::function<void()> {
    // Per-thread state, captured by the loop: the initialised template, a scratch context and an
    // output buffer of the maximum signature size.
    auto state = std::make_shared<std::pair<EvpMdCtxPtr, EvpMdCtxPtr>>(
        EvpMdCtxPtr(EVP_MD_CTX_new()), EvpMdCtxPtr(EVP_MD_CTX_new()));
    if (EVP_DigestSignInit(state->first.get(), nullptr, md, nullptr, key.get()) != 1) {
      throw_openssl_error(ErrorCode::CryptoError, "reference: EVP_DigestSignInit");
    }
    auto signature = std::make_shared<Bytes>(static_cast<size_t>(EVP_PKEY_get_size(key.get())));
    return [state, signature, message] {
      size_t len = signature->size();
      if (EVP_MD_CTX_copy_ex(state->second.get(), state->first.get()) != 1 ||
          EVP_DigestSign(state->second.get(), signature->data(), &len, message.data(),
                         message.size()) != 1) {
        throw_openssl_error(ErrorCode::CryptoError, "reference: EVP_DigestSign");
      }
    };
  };
  return {"OpenSSL EVP_DigestSign", measure_rate_per_thread(factory, threads, duration)};
}

ReferenceResult openssl_verify_reference(ByteView spki_der, ByteView message, ByteView signature,
                                         std::chrono::duration<double> duration) {
  EvpPkeyPtr public_key = public_key_from_der(spki_der);
  const EVP_MD* md = signature_digest(algorithm_of_public_key(spki_der));
  // Verification the way the issuer re-checks a certificate: a fresh context per signature.
  auto verify = [&] {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, public_key.get()) != 1 ||
        EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                         message.size()) != 1) {
      throw_openssl_error(ErrorCode::CryptoError, "reference: EVP_DigestVerify");
    }
  };
  return {"OpenSSL EVP_DigestVerify", measure_rate(verify, 1, duration)};
}

}  // namespace kpki::bench
