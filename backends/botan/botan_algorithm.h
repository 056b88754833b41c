#pragma once
// What each kpki algorithm is called in Botan: how to generate its key and which padding/EMSA
// string signs with it the way X.509 expects.
#include <memory>
#include <string>

#include <botan/pk_keys.h>
#include <botan/pubkey.h>
#include <botan/rng.h>

#include "core/x509/algorithm.h"

namespace kpki {

// "EMSA3(SHA-256)" for RSA PKCS#1 v1.5, "EMSA1(SHA-256)"/"EMSA1(SHA-384)" for ECDSA, "Pure" for
// Ed25519.
std::string botan_emsa(Algorithm algorithm);

// X.509 wants ECDSA signatures as a DER ECDSA-Sig-Value, not Botan's default r||s; RSA and Ed25519
// signatures have one encoding only, and Botan rejects DER_SEQUENCE for them.
Botan::Signature_Format botan_signature_format(Algorithm algorithm);

// A fresh private key of `algorithm` generated with `rng`.
std::unique_ptr<Botan::Private_Key> botan_generate_key(Algorithm algorithm,
                                                       Botan::RandomNumberGenerator& rng);

}  // namespace kpki
