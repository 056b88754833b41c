#include "core/public_key.h"

#include <openssl/pem.h>
#include <openssl/sha.h>

#include "core/error.h"
#include "core/spki.h"

namespace kpki {

EvpPkeyPtr public_key_from_der(ByteView spki_der) {
  const unsigned char* p = spki_der.data();
  EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki_der.size())));
  if (!key || p != spki_der.data() + spki_der.size()) {
    throw_openssl_error(ErrorCode::InvalidInput,
                        "public key (SubjectPublicKeyInfo) does not parse");
  }
  return key;
}

Bytes public_key_to_der(EVP_PKEY* key) {
  unsigned char* out = nullptr;
  int len = i2d_PUBKEY(key, &out);
  if (len <= 0) throw_openssl_error(ErrorCode::CryptoError, "cannot encode public key");
  OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

std::string public_key_pem(ByteView spki_der) {
  EvpPkeyPtr key = public_key_from_der(spki_der);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_PUBKEY(bio.get(), key.get())) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot write public key PEM");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

Bytes sha1_key_identifier(ByteView spki_der) {
  Bytes key_bits = subject_public_key_bits(spki_der);
  Bytes digest(SHA_DIGEST_LENGTH);
  SHA1(key_bits.data(), key_bits.size(), digest.data());
  return digest;
}

}  // namespace kpki
