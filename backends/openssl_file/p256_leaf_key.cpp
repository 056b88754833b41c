#include "backends/openssl_file/p256_leaf_key.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "core/util/error.h"
#include "core/x509/pem.h"

namespace kpki {

namespace {

constexpr size_t kScalar = 32;  // bytes of a P-256 private scalar
constexpr size_t kPoint = 65;   // bytes of an uncompressed P-256 point (0x04 || X || Y)

// PrivateKeyInfo { version 0, AlgorithmIdentifier { id-ecPublicKey, prime256v1 },
//   OCTET STRING { ECPrivateKey { version 1, OCTET STRING scalar, [1] BIT STRING point } } }
// (OpenSSL leaves the curve out of the inner ECPrivateKey: it is in the AlgorithmIdentifier.)
constexpr std::array<std::uint8_t, 36> kPkcs8Head = {
    0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86,
    0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
    0x03, 0x01, 0x07, 0x04, 0x6d, 0x30, 0x6b, 0x02, 0x01, 0x01, 0x04, 0x20};
constexpr std::array<std::uint8_t, 5> kPkcs8Middle = {0xa1, 0x44, 0x03, 0x42, 0x00};
constexpr std::array<std::uint8_t, 26> kSpkiHead = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
constexpr size_t kPkcs8Size = kPkcs8Head.size() + kScalar + kPkcs8Middle.size() + kPoint;

bool is_p256(EVP_PKEY* key) {
  char group[16] = {};
  size_t len = 0;
  bool ok = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
            EVP_PKEY_get_group_name(key, group, sizeof group, &len) == 1 &&
            std::strcmp(group, "prime256v1") == 0;
  ERR_clear_error();
  return ok;
}

bool uncompressed_point(EVP_PKEY* key, std::uint8_t* out) {
  size_t len = 0;
  return EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out, kPoint, &len) == 1 &&
         len == kPoint && out[0] == 0x04;
}

struct EvpPkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};

}  // namespace

EvpPkeyPtr generate_p256_key() {
  // One context per thread (a context is not to be shared between threads), kept for the
  // thread's life: the leaf key pool's threads each make a group's keys with it.
  thread_local std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxDeleter> ctx = [] {
    std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxDeleter> made(
        EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    char curve[] = "P-256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, curve, 0),
                           OSSL_PARAM_construct_end()};
    if (!made || EVP_PKEY_keygen_init(made.get()) != 1 ||
        EVP_PKEY_CTX_set_params(made.get(), params) != 1)
      made.reset();
    return made;
  }();
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_generate(ctx.get(), &key) != 1)
    throw_openssl_error(ErrorCode::CryptoError, "cannot generate ecdsa-p256 key");
  return EvpPkeyPtr(key);
}

std::optional<std::string> p256_private_key_pem(EVP_PKEY* key, ByteView spki_der) {
  if (!is_p256(key)) return std::nullopt;
  std::array<std::uint8_t, kPkcs8Size> der{};
  struct Wipe {
    std::array<std::uint8_t, kPkcs8Size>& der;
    ~Wipe() { OPENSSL_cleanse(der.data(), der.size()); }
  } wipe{der};
  std::uint8_t* at = std::copy(kPkcs8Head.begin(), kPkcs8Head.end(), der.begin());
  BIGNUM* scalar = nullptr;
  bool ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &scalar) == 1 &&
            BN_bn2binpad(scalar, at, kScalar) == static_cast<int>(kScalar);
  BN_clear_free(scalar);
  at = std::copy(kPkcs8Middle.begin(), kPkcs8Middle.end(), at + kScalar);
  // SubjectPublicKeyInfo { AlgorithmIdentifier (as in the PKCS#8 head), BIT STRING point }.
  bool from_spki = spki_der.size() == kSpkiHead.size() + kPoint &&
                   std::equal(kSpkiHead.begin(), kSpkiHead.end(), spki_der.begin()) &&
                   spki_der[kSpkiHead.size()] == 0x04;
  if (from_spki) std::copy(spki_der.begin() + kSpkiHead.size(), spki_der.end(), at);
  if (!ok || !(from_spki || uncompressed_point(key, at)))
    throw_openssl_error(ErrorCode::CryptoError, "cannot encode private key");
  return encode_pem("PRIVATE KEY", der);  // sized once: no copy of the key left in a freed block
}

}  // namespace kpki
