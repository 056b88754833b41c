#include "tests/support/pkcs11_verify.h"

#include <openssl/err.h>

#include "core/util/ossl_ptr.h"

namespace kpki::test {

bool signature_verifies(ByteView spki, Algorithm alg, ByteView message, ByteView signature) {
  const unsigned char* p = spki.data();
  EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok =
      key && ctx &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, signature_digest(alg), nullptr, key.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                       message.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace kpki::test
