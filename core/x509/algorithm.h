#pragma once
// The key algorithms kpki issues with, and what follows from each: key type, size, the digest
// and the signature AlgorithmIdentifier a CA key of that algorithm signs with.
#include <array>
#include <string_view>

#include "core/util/bytes.h"

typedef struct evp_md_st EVP_MD;

namespace kpki {

enum class Algorithm { Rsa2048, Rsa3072, Rsa4096, EcdsaP256, EcdsaP384, Ed25519 };

inline constexpr std::array<Algorithm, 6> kAllAlgorithms = {
    Algorithm::Rsa2048,   Algorithm::Rsa3072,   Algorithm::Rsa4096,
    Algorithm::EcdsaP256, Algorithm::EcdsaP384, Algorithm::Ed25519};

enum class KeyType { Rsa, Ec, Ed25519 };

// "rsa-2048", "ecdsa-p256", "ed25519", ...
std::string_view algorithm_name(Algorithm alg);
// Accepts kpki's names and kubeadm's ("RSA-2048", "ECDSA-P256"), case-insensitively.
// Throws InvalidInput naming the accepted values.
Algorithm parse_algorithm(std::string_view text);

KeyType key_type(Algorithm alg);
int rsa_bits(Algorithm alg);                    // 0 for non-RSA
std::string_view curve_name(Algorithm alg);     // "P-256", "P-384", "" otherwise
const EVP_MD* signature_digest(Algorithm alg);  // nullptr for Ed25519 (pure EdDSA)
std::string_view digest_name(Algorithm alg);    // "SHA-256", "SHA-384", "" for Ed25519

// DER of the signature AlgorithmIdentifier a key of this algorithm signs with:
// sha256WithRSAEncryption (NULL params), ecdsa-with-SHA256/384, Ed25519 (absent params).
const Bytes& signature_algorithm_der(Algorithm alg);

// The algorithm of a SubjectPublicKeyInfo (DER). Throws Unsupported for keys kpki does not sign
// with (RSA sizes other than 2048/3072/4096, other curves).
Algorithm algorithm_of_public_key(ByteView spki_der);

}  // namespace kpki
