#pragma once
// SubjectPublicKeyInfo handled as structure, without building an EVP_PKEY. OpenSSL 3.0 turns DER
// into an EVP_PKEY through its provider decoders, which costs more than an ECDSA P-256 signature
// (~100 us, measured with `kpki bench` and perf): the issuance path, which only copies a public
// key into a certificate, must not pay that per certificate.
#include <openssl/x509.h>

#include "core/util/bytes.h"

namespace kpki {

// Appends `spki_der` to `out` in its DER form (re-encoded from its parts, so a BER input never
// reaches a certificate). Throws InvalidInput when it is not a SubjectPublicKeyInfo of a key type
// kpki certifies (RSA, EC on a named curve, Ed25519). The key value itself is not decoded: callers
// hand in keys that came from a key manager or a CSR whose signature has been checked.
void append_subject_public_key_info(Bytes& out, ByteView spki_der);

// The key algorithm's NID and, for an EC key, its named curve's (NID_undef otherwise), read from
// the structure alone. Throws InvalidInput when the DER is not a SubjectPublicKeyInfo.
struct SpkiAlgorithm {
  int key_nid;
  int curve_nid;
};
SpkiAlgorithm spki_algorithm(ByteView spki_der);

// The contents of the subjectPublicKey BIT STRING (the bytes RFC 5280 4.2.1.2 method 1 hashes).
Bytes subject_public_key_bits(ByteView spki_der);

}  // namespace kpki
