#include "backends/libp11/libp11_signer.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <unistd.h>

#include "core/util/error.h"
#include "core/x509/algorithm.h"

namespace kpki {

Libp11Signer::Libp11Signer(Pkcs11Token& token, EvpPkeyPtr key, Bytes spki, std::string display,
                           Reopen reopen)
    : token_(token),
      spki_(std::move(spki)),
      algorithm_(algorithm_of_public_key(spki_)),
      display_(std::move(display)),
      reopen_(std::move(reopen)),
      key_(key.release(), EVP_PKEY_free),
      pid_(getpid()) {
  if (algorithm_ == Algorithm::Ed25519) {
    throw Error(ErrorCode::Unsupported,
                "key '" + display_ + "' is Ed25519, which libp11 0.4.12 cannot sign with");
  }
}

const Bytes& Libp11Signer::signature_algorithm() const {
  return signature_algorithm_der(algorithm_);
}

std::shared_ptr<EVP_PKEY> Libp11Signer::current_key() const {
  std::lock_guard lock(mutex_);
  pid_t now = getpid();
  if (pid_ == now) return key_;
  { Pkcs11Session touch = token_.acquire(); }  // raw re-initialise and re-login happen here
  Bytes spki;
  EvpPkeyPtr fresh = reopen_(&spki);
  if (!fresh || spki != spki_) {
    throw Error(ErrorCode::NotFound,
                "key '" + display_ + "' is no longer on the token (looked for after fork)");
  }
  // The parent's EVP_PKEY is left alone: freeing it would make libp11 touch the parent's slot.
  new std::shared_ptr<EVP_PKEY>(std::move(key_));
  key_.reset(fresh.release(), EVP_PKEY_free);
  pid_ = now;
  return key_;
}

Bytes Libp11Signer::sign(ByteView message) const {
  std::shared_ptr<EVP_PKEY> key = current_key();
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  if (!md) throw_openssl_error(ErrorCode::CryptoError, "cannot allocate a digest context");
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestSignInit(md.get(), &pctx, signature_digest(algorithm_), nullptr, key.get()) != 1 ||
      (key_type(algorithm_) == KeyType::Rsa &&
       EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)) {
    throw_openssl_error(ErrorCode::DeviceError,
                        "libp11 cannot start signing with '" + display_ + "'");
  }
  std::size_t length = 0;
  if (EVP_DigestSign(md.get(), nullptr, &length, message.data(), message.size()) != 1) {
    throw_openssl_error(ErrorCode::DeviceError, "libp11 cannot sign with '" + display_ + "'");
  }
  Bytes signature(length);
  if (EVP_DigestSign(md.get(), signature.data(), &length, message.data(), message.size()) != 1) {
    throw_openssl_error(ErrorCode::DeviceError, "libp11 cannot sign with '" + display_ + "'");
  }
  signature.resize(length);
  return signature;
}

}  // namespace kpki
