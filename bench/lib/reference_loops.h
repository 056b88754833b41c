#pragma once
// Each library's own signing limit, measured in the same run as kpki so ratios are meaningful:
// the tightest loop the library's public API allows, on the same key and a message of the same
// size, with none of kpki's layers. kpki's signer rate divided by this is its overhead ratio.
#include <optional>
#include <string>

#include "bench/lib/rate_meter.h"
#include "core/algorithm.h"
#include "core/bytes.h"

namespace kpki::bench {

struct ReferenceResult {
  std::string name;  // what was measured, e.g. "OpenSSL EVP_DigestSign"
  RateResult rate;
};

// OpenSSL: a context initialised once per thread and copied per signature (EVP_MD_CTX_copy_ex),
// then one EVP_DigestSign: the cheapest way the EVP API signs a fresh message.
ReferenceResult openssl_sign_reference(const std::string& key_path, ByteView message, int threads,
                                       std::chrono::duration<double> duration);

// OpenSSL verification of `signature` over `message` with the public key `spki_der`, for the
// issuance bound (issuing = one sign + one verify + building, which should be negligible). Works
// for every backend, token keys included: only the public key is needed.
ReferenceResult openssl_verify_reference(ByteView spki_der, ByteView message, ByteView signature,
                                         std::chrono::duration<double> duration);

// Botan: one PK_Signer and one AutoSeeded_RNG per thread, sign_message in a loop. nullopt when
// Botan is not compiled in.
std::optional<ReferenceResult> botan_sign_reference(const std::string& key_path, ByteView message,
                                                    int threads,
                                                    std::chrono::duration<double> duration);

// PKCS#11: C_SignInit + C_Sign on the token key, on one session per thread, through the module
// directly. nullopt (with `why` set) when the token cannot be driven raw.
std::optional<ReferenceResult> pkcs11_sign_reference(const std::string& key_uri,
                                                     Algorithm algorithm, ByteView message,
                                                     int threads,
                                                     std::chrono::duration<double> duration,
                                                     std::string* why);

}  // namespace kpki::bench
