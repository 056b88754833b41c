#include "core/signed_der.h"

#include <openssl/objects.h>

#include "core/error.h"

namespace kpki {

namespace {

// The digest of a signature AlgorithmIdentifier (nullptr for pure EdDSA).
const EVP_MD* digest_of(const X509_ALGOR* algorithm) {
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, algorithm);
  int digest_nid = NID_undef, key_nid = NID_undef;
  if (!OBJ_find_sigid_algs(OBJ_obj2nid(oid), &digest_nid, &key_nid)) {
    throw Error(ErrorCode::CryptoError, "signer reported an unknown signature algorithm");
  }
  return digest_nid == NID_undef ? nullptr : EVP_get_digestbynid(digest_nid);
}

// SEQUENCE { tbs, signatureAlgorithm, signatureValue BIT STRING }, from exactly the TBS bytes that
// were signed and verified.
Bytes assemble(ByteView tbs, ByteView algorithm, ByteView signature) {
  Bytes bit_string;
  append_der_header(bit_string, V_ASN1_BIT_STRING, signature.size() + 1);
  bit_string.push_back(0);  // no unused bits
  bit_string.insert(bit_string.end(), signature.begin(), signature.end());
  Bytes der;
  der.reserve(tbs.size() + algorithm.size() + bit_string.size() + 8);
  append_der_header(der, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED,
                    tbs.size() + algorithm.size() + bit_string.size());
  der.insert(der.end(), tbs.begin(), tbs.end());
  der.insert(der.end(), algorithm.begin(), algorithm.end());
  der.insert(der.end(), bit_string.begin(), bit_string.end());
  return der;
}

bool signature_verifies(EVP_PKEY* key, const EVP_MD* digest, ByteView tbs, ByteView signature) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, digest, nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), tbs.data(), tbs.size()) ==
             1;
}

}  // namespace

X509AlgorPtr decode_signature_algorithm(const Bytes& der) {
  const unsigned char* p = der.data();
  X509AlgorPtr algor(d2i_X509_ALGOR(nullptr, &p, static_cast<long>(der.size())));
  if (!algor)
    throw_openssl_error(ErrorCode::CryptoError, "signer reported a malformed AlgorithmIdentifier");
  return algor;
}

void append_der_header(Bytes& out, uint8_t tag, size_t length) {
  out.push_back(tag);
  if (length < 0x80) {
    out.push_back(static_cast<uint8_t>(length));
    return;
  }
  uint8_t octets = 0;
  for (size_t l = length; l; l >>= 8) ++octets;
  out.push_back(static_cast<uint8_t>(0x80 | octets));
  for (int i = octets - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(length >> (8 * i)));
}

Bytes sign_tbs(ByteView tbs, const Signer& signer, const X509_ALGOR* algorithm,
               EVP_PKEY* verify_key, const std::string& what) {
  Bytes value = signer.sign(tbs);
  if (!signature_verifies(verify_key, digest_of(algorithm), tbs, value)) {
    throw_openssl_error(ErrorCode::CryptoError,
                        "the signer's signature does not verify with the issuer's public key; " +
                            what + " discarded");
  }
  return assemble(tbs, signer.signature_algorithm(), value);
}

}  // namespace kpki
