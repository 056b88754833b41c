#include "backends/pkcs11/pkcs11_mechanisms.h"

#include <openssl/evp.h>

#include <algorithm>
#include <iterator>
#include <string_view>

#include "core/util/error.h"

namespace kpki {

namespace {

#define KPKI_CKM(x) x, #x
struct Row {
  Algorithm algorithm;
  Pkcs11Mechanisms mechanisms;
};
constexpr Row kTable[] = {
    {Algorithm::Rsa2048, {KPKI_CKM(CKM_RSA_PKCS_KEY_PAIR_GEN), KPKI_CKM(CKM_RSA_PKCS), 256}},
    {Algorithm::Rsa3072, {KPKI_CKM(CKM_RSA_PKCS_KEY_PAIR_GEN), KPKI_CKM(CKM_RSA_PKCS), 384}},
    {Algorithm::Rsa4096, {KPKI_CKM(CKM_RSA_PKCS_KEY_PAIR_GEN), KPKI_CKM(CKM_RSA_PKCS), 512}},
    {Algorithm::EcdsaP256, {KPKI_CKM(CKM_EC_KEY_PAIR_GEN), KPKI_CKM(CKM_ECDSA), 64}},
    {Algorithm::EcdsaP384, {KPKI_CKM(CKM_EC_KEY_PAIR_GEN), KPKI_CKM(CKM_ECDSA), 96}},
    {Algorithm::Ed25519, {KPKI_CKM(CKM_EC_EDWARDS_KEY_PAIR_GEN), KPKI_CKM(CKM_EDDSA), 64}},
};
#undef KPKI_CKM

Bytes digest(const EVP_MD* md, ByteView message) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (!EVP_Digest(message.data(), message.size(), out.data(), &len, md, nullptr)) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot hash the data to sign");
  }
  out.resize(len);
  return out;
}

}  // namespace

const Pkcs11Mechanisms& pkcs11_mechanisms(Algorithm algorithm) {
  for (const auto& row : kTable) {
    if (row.algorithm == algorithm) return row.mechanisms;
  }
  throw Error(ErrorCode::Unsupported,
              "no PKCS#11 mechanism for " + std::string(algorithm_name(algorithm)));
}

Bytes pkcs11_sign_input(Algorithm algorithm, ByteView message) {
  switch (key_type(algorithm)) {
    case KeyType::Rsa:
      return sha256_digest_info(digest(EVP_sha256(), message));
    case KeyType::Ec:
      return digest(signature_digest(algorithm), message);
    case KeyType::Ed25519:
      break;
  }
  return Bytes(message.begin(), message.end());
}

Bytes sha256_digest_info(ByteView hash) {
  // SEQUENCE { SEQUENCE { OID sha256, NULL }, OCTET STRING (32) }
  static constexpr std::uint8_t kPrefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                             0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                             0x01, 0x05, 0x00, 0x04, 0x20};
  Bytes out(sizeof kPrefix + hash.size());
  std::copy(std::begin(kPrefix), std::end(kPrefix), out.begin());
  std::copy(hash.begin(), hash.end(), out.begin() + sizeof kPrefix);
  return out;
}

bool is_tpm2_pkcs11(CK_FUNCTION_LIST* functions) {
  CK_INFO info{};
  if (functions->C_GetInfo(&info) != CKR_OK) return false;
  static constexpr std::string_view kManufacturer = "tpm2-software.github.io";
  std::string_view id(reinterpret_cast<const char*>(info.manufacturerID),
                      sizeof info.manufacturerID);
  return id.substr(0, kManufacturer.size()) == kManufacturer;
}

}  // namespace kpki
