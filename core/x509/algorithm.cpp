#include "core/x509/algorithm.h"

#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "core/util/error.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/spki.h"

namespace kpki {

std::string_view algorithm_name(Algorithm alg) {
  switch (alg) {
    case Algorithm::Rsa2048:
      return "rsa-2048";
    case Algorithm::Rsa3072:
      return "rsa-3072";
    case Algorithm::Rsa4096:
      return "rsa-4096";
    case Algorithm::EcdsaP256:
      return "ecdsa-p256";
    case Algorithm::EcdsaP384:
      return "ecdsa-p384";
    case Algorithm::Ed25519:
      return "ed25519";
  }
  return "unknown";
}

Algorithm parse_algorithm(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (Algorithm alg : kAllAlgorithms) {
    if (lower == algorithm_name(alg)) return alg;
  }
  throw Error(ErrorCode::InvalidInput,
              "unknown algorithm '" + std::string(text) +
                  "' (expected rsa-2048, rsa-3072, rsa-4096, ecdsa-p256, ecdsa-p384 or ed25519)");
}

KeyType key_type(Algorithm alg) {
  switch (alg) {
    case Algorithm::EcdsaP256:
    case Algorithm::EcdsaP384:
      return KeyType::Ec;
    case Algorithm::Ed25519:
      return KeyType::Ed25519;
    default:
      return KeyType::Rsa;
  }
}

int rsa_bits(Algorithm alg) {
  switch (alg) {
    case Algorithm::Rsa2048:
      return 2048;
    case Algorithm::Rsa3072:
      return 3072;
    case Algorithm::Rsa4096:
      return 4096;
    default:
      return 0;
  }
}

std::string_view curve_name(Algorithm alg) {
  if (alg == Algorithm::EcdsaP256) return "P-256";
  if (alg == Algorithm::EcdsaP384) return "P-384";
  return "";
}

const EVP_MD* signature_digest(Algorithm alg) {
  if (alg == Algorithm::Ed25519) return nullptr;
  if (alg == Algorithm::EcdsaP384) return EVP_sha384();
  return EVP_sha256();
}

std::string_view digest_name(Algorithm alg) {
  if (alg == Algorithm::Ed25519) return "";
  return alg == Algorithm::EcdsaP384 ? "SHA-384" : "SHA-256";
}

static Bytes encode_algorithm_identifier(int nid, bool null_params) {
  X509AlgorPtr algor(X509_ALGOR_new());
  if (!algor || !X509_ALGOR_set0(algor.get(), OBJ_nid2obj(nid),
                                 null_params ? V_ASN1_NULL : V_ASN1_UNDEF, nullptr)) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot encode AlgorithmIdentifier");
  }
  unsigned char* out = nullptr;
  int len = i2d_X509_ALGOR(algor.get(), &out);
  if (len <= 0) throw_openssl_error(ErrorCode::CryptoError, "cannot encode AlgorithmIdentifier");
  OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

const Bytes& signature_algorithm_der(Algorithm alg) {
  // Computed once: signers return a reference on every signature.
  static const Bytes rsa_sha256 = encode_algorithm_identifier(NID_sha256WithRSAEncryption, true);
  static const Bytes ecdsa_sha256 = encode_algorithm_identifier(NID_ecdsa_with_SHA256, false);
  static const Bytes ecdsa_sha384 = encode_algorithm_identifier(NID_ecdsa_with_SHA384, false);
  static const Bytes ed25519 = encode_algorithm_identifier(NID_ED25519, false);
  switch (key_type(alg)) {
    case KeyType::Rsa:
      return rsa_sha256;
    case KeyType::Ec:
      return alg == Algorithm::EcdsaP384 ? ecdsa_sha384 : ecdsa_sha256;
    case KeyType::Ed25519:
      return ed25519;
  }
  return rsa_sha256;
}

Algorithm algorithm_of_public_key(ByteView spki_der) {
  // EC and Ed25519 are told by their OIDs: every Signer asks this of its key, and a full decode
  // (OpenSSL 3.0's provider decoders) costs more than a P-256 key generation. RSA needs the
  // modulus for its size, so it is decoded.
  SpkiAlgorithm spki = spki_algorithm(spki_der);
  if (spki.key_nid == NID_ED25519) return Algorithm::Ed25519;
  if (spki.key_nid == NID_X9_62_id_ecPublicKey) {
    if (spki.curve_nid == NID_X9_62_prime256v1) return Algorithm::EcdsaP256;
    if (spki.curve_nid == NID_secp384r1) return Algorithm::EcdsaP384;
    const char* name = spki.curve_nid == NID_undef ? nullptr : OBJ_nid2sn(spki.curve_nid);
    throw Error(ErrorCode::Unsupported, "EC curve '" + std::string(name ? name : "unnamed") +
                                            "' is not supported (use P-256 or P-384)");
  }
  const unsigned char* p = spki_der.data();
  EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki_der.size())));
  if (!key) throw_openssl_error(ErrorCode::InvalidInput, "public key does not parse");
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA: {
      int bits = EVP_PKEY_get_bits(key.get());
      if (bits == 2048) return Algorithm::Rsa2048;
      if (bits == 3072) return Algorithm::Rsa3072;
      if (bits == 4096) return Algorithm::Rsa4096;
      throw Error(ErrorCode::Unsupported, "RSA-" + std::to_string(bits) +
                                              " keys are not supported (use 2048, 3072 or 4096)");
    }
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t len = 0;
      EVP_PKEY_get_group_name(key.get(), group, sizeof group, &len);
      std::string name(group, len);
      if (name == "prime256v1" || name == "P-256") return Algorithm::EcdsaP256;
      if (name == "secp384r1" || name == "P-384") return Algorithm::EcdsaP384;
      throw Error(ErrorCode::Unsupported,
                  "EC curve '" + name + "' is not supported (use P-256 or P-384)");
    }
    case EVP_PKEY_ED25519:
      return Algorithm::Ed25519;
    default:
      throw Error(ErrorCode::Unsupported,
                  "public key type is not supported (RSA, EC P-256/P-384 and Ed25519 are)");
  }
}

}  // namespace kpki
