#include "core/x509/public_key.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "core/util/error.h"
#include "core/x509/spki.h"

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

namespace {

// An EC key's SubjectPublicKeyInfo assembled from its curve and encoded point: i2d_PUBKEY goes
// through OpenSSL 3.0's provider encoders (a fetch and its locks each time), which cost about as
// much as generating the key. Same DER as i2d_PUBKEY (uncompressed point, named curve); empty
// when the key is not on a named curve kpki knows.
Bytes ec_public_key_to_der(EVP_PKEY* key) {
  char group[64] = {};
  size_t group_len = 0;
  unsigned char point[2 * 66 + 1];
  size_t point_len = 0;
  if (EVP_PKEY_get_group_name(key, group, sizeof group, &group_len) != 1 ||
      EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point,
                                      &point_len) != 1 ||
      point_len == 0 || point[0] != POINT_CONVERSION_UNCOMPRESSED) {
    ERR_clear_error();
    return {};
  }
  int curve = EC_curve_nist2nid(group);
  if (curve == NID_undef) curve = OBJ_sn2nid(group);
  if (curve != NID_X9_62_prime256v1 && curve != NID_secp384r1) return {};
  OsslPtr<X509_PUBKEY, X509_PUBKEY_free> spki(X509_PUBKEY_new());
  auto* bits = static_cast<unsigned char*>(OPENSSL_memdup(point, point_len));
  if (!spki || !bits ||
      !X509_PUBKEY_set0_param(spki.get(), OBJ_nid2obj(NID_X9_62_id_ecPublicKey), V_ASN1_OBJECT,
                              OBJ_nid2obj(curve), bits, static_cast<int>(point_len))) {
    OPENSSL_free(bits);
    throw_openssl_error(ErrorCode::CryptoError, "cannot encode public key");
  }
  unsigned char* out = nullptr;
  int len = i2d_X509_PUBKEY(spki.get(), &out);
  if (len <= 0) throw_openssl_error(ErrorCode::CryptoError, "cannot encode public key");
  OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

}  // namespace

Bytes public_key_to_der(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
    if (Bytes der = ec_public_key_to_der(key); !der.empty()) return der;
  }
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
