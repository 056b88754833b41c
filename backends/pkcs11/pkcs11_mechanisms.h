#pragma once
// How kpki uses a PKCS#11 token for each algorithm, in one table (as Botan's p11_mechanism.h):
// the key-pair generation mechanism, the signing mechanism, what that mechanism signs, and the
// size of the raw signature it returns. Key generation, the signer and `kpki bench`'s raw C_Sign
// reference all read it.
//
// Only the raw mechanisms (CKM_RSA_PKCS over a DigestInfo, CKM_ECDSA over the hash, CKM_EDDSA
// over the message) are used: every token that has the key type supports them, unlike the
// combined CKM_SHA256_RSA_PKCS family. Hashing happens in software. One exception, in the
// signer: RSA keys on tpm2-pkcs11 (is_tpm2_pkcs11), or on a token that refuses raw
// CKM_RSA_PKCS, sign with CKM_SHA256_RSA_PKCS.
#include <p11-kit/pkcs11.h>

#include <cstddef>

#include "core/util/bytes.h"
#include "core/x509/algorithm.h"

namespace kpki {

struct Pkcs11Mechanisms {
  CK_MECHANISM_TYPE generate;
  const char* generate_name;  // for "... not offered" errors
  CK_MECHANISM_TYPE sign;
  const char* sign_name;
  std::size_t signature_size;  // raw bytes C_Sign returns (r||s for ECDSA)
};

const Pkcs11Mechanisms& pkcs11_mechanisms(Algorithm algorithm);

// The bytes the token signs for `message` with pkcs11_mechanisms(algorithm).sign.
Bytes pkcs11_sign_input(Algorithm algorithm, ByteView message);

// DigestInfo (RFC 8017 9.2) wrapping a SHA-256 hash, the input of CKM_RSA_PKCS.
Bytes sha256_digest_info(ByteView hash);

// True for tpm2-pkcs11 (CK_INFO manufacturerID "tpm2-software.github.io"). Its TPM keys carry
// one pair of usage bits for both halves, so it derives a public key's CKA_VERIFY/CKA_ENCRYPT
// from the private template, and it does raw CKM_RSA_PKCS with the TPM's decrypt operation,
// which a sign-only key refuses. Knowing it up front spares the module's failure log lines.
bool is_tpm2_pkcs11(CK_FUNCTION_LIST* functions);

}  // namespace kpki
