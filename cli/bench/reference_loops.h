#pragma once
// References, not kpki: each library's own limit, measured in the same run as kpki so ratios are
// meaningful. The tightest loop the library's public API allows, on the same key and the same
// message, with none of kpki's layers (no backend, no KeyManager: these loops call OpenSSL, Botan
// and the PKCS#11 module directly). kpki's signer rate divided by this is its overhead ratio; the
// report labels them "lib". Each function returns the loop, ready for the rate meter; the loop
// owns everything it uses. kpki's own keys and signers come from the key managers.
#include <optional>
#include <string>

#include "cli/bench/rate_meter.h"
#include "core/util/bytes.h"
#include "core/x509/algorithm.h"

namespace kpki::bench {

struct ReferenceLoop {
  std::string name;  // what is measured, e.g. "OpenSSL EVP_DigestSign"
  OperationFactory make_operation;
};

// OpenSSL: a context initialised once per thread and copied per signature (EVP_MD_CTX_copy_ex),
// then one EVP_DigestSign into a reused buffer: the cheapest way the EVP API signs a new message.
ReferenceLoop openssl_sign_reference(const std::string& key_path, ByteView message);

// OpenSSL key generation (EVP_PKEY_Q_keygen) of `algorithm`: the floor under a leaf key's cost.
ReferenceLoop openssl_keygen_reference(Algorithm algorithm);

// OpenSSL verification of `signature` over `message` with the public key `spki_der`, for the
// issuance bound (issuing = one sign + one verify + building, which should be negligible). Works
// for every backend, token keys included: only the public key is needed.
ReferenceLoop openssl_verify_reference(ByteView spki_der, ByteView message, ByteView signature);

// Botan: one PK_Signer and one AutoSeeded_RNG per thread, sign_message in a loop. nullopt when
// Botan is not compiled in.
std::optional<ReferenceLoop> botan_sign_reference(const std::string& key_path, ByteView message);

// PKCS#11: C_SignInit + C_Sign on the token key over the precomputed mechanism input (hash,
// DigestInfo or message), one session per thread, through the module's function list directly.
// `module` is --pkcs11-module. nullopt, with `why` set, when the token cannot be driven raw.
std::optional<ReferenceLoop> pkcs11_sign_reference(const std::string& key_uri, Algorithm algorithm,
                                                   ByteView message, const std::string& module,
                                                   std::string* why);

}  // namespace kpki::bench
