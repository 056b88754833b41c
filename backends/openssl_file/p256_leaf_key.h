#pragma once
// P-256 leaf keys, made and encoded the quick way: a tree makes thousands of them, and in OpenSSL
// 3.0 EVP_PKEY_Q_keygen fetches the algorithm and builds a context for every key while
// PEM_write_bio_PKCS8PrivateKey looks up an encoder in the provider store for every key, together
// about twice the cost of the key generation itself (perf of a 1,000-worker init,
// docs/backends.md "Where the time goes"). Both encodings are fixed-shape DER around the key's two
// values, so they are written directly; the unit tests hold them byte for byte to OpenSSL's.
#include <optional>
#include <string>

#include "core/util/bytes.h"
#include "core/util/ossl_ptr.h"

namespace kpki {

// A fresh P-256 key from a key-generation context prepared once per thread.
EvpPkeyPtr generate_p256_key();

// The key's PKCS#8 PrivateKeyInfo as PEM ("PRIVATE KEY"), exactly as
// PEM_write_bio_PKCS8PrivateKey writes it; nullopt when the key is not P-256. No copy of the
// private scalar is left behind in memory this function owned.
// The public point is taken from `spki_der`, the key's SubjectPublicKeyInfo, when the caller has
// it already (an EvpSigner has): encoding the point costs a field inversion each time.
std::optional<std::string> p256_private_key_pem(EVP_PKEY* key, ByteView spki_der = {});

}  // namespace kpki
