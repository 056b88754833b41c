#pragma once
// Independent check of a signer's output: OpenSSL verifies it against the public key alone.
#include "core/util/bytes.h"
#include "core/x509/algorithm.h"

namespace kpki::test {

// True when `signature` (X.509 form: DER ECDSA-Sig-Value for ECDSA) over `message` verifies
// with the SubjectPublicKeyInfo `spki` and the digest `alg` signs with.
bool signature_verifies(ByteView spki, Algorithm alg, ByteView message, ByteView signature);

}  // namespace kpki::test
