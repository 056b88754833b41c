#include "core/keys/signed_der.h"

#include <openssl/objects.h>

#include "core/util/error.h"

namespace kpki {

namespace {

// The digest of a signature AlgorithmIdentifier, fetched (nullptr for pure EdDSA).
EVP_MD* fetch_digest_of(const X509_ALGOR* algorithm) {
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, algorithm);
  int digest_nid = NID_undef, key_nid = NID_undef;
  if (!OBJ_find_sigid_algs(OBJ_obj2nid(oid), &digest_nid, &key_nid)) {
    throw Error(ErrorCode::CryptoError, "signer reported an unknown signature algorithm");
  }
  if (digest_nid == NID_undef) return nullptr;
  EVP_MD* md = EVP_MD_fetch(nullptr, OBJ_nid2sn(digest_nid), nullptr);
  if (!md) throw_openssl_error(ErrorCode::CryptoError, "cannot fetch the signature digest");
  return md;
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

TbsSigner::TbsSigner(const Signer& signer, EVP_PKEY* verify_key)
    : signer_(signer), algorithm_(decode_signature_algorithm(signer.signature_algorithm())) {
  digest_.reset(fetch_digest_of(algorithm_.get()));
  verify_prepared_.reset(EVP_MD_CTX_new());
  if (!verify_prepared_ || EVP_DigestVerifyInit(verify_prepared_.get(), nullptr, digest_.get(),
                                                nullptr, verify_key) != 1) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot start verifying with the issuer's key");
  }
}

Bytes TbsSigner::sign(ByteView tbs, const std::string& what) const {
  Bytes value = signer_.sign(tbs);
  // A copy of the prepared context (only read, so threads never contend) verifies once.
  EvpMdCtxPtr verify(EVP_MD_CTX_new());
  bool verified =
      verify && EVP_MD_CTX_copy_ex(verify.get(), verify_prepared_.get()) == 1 &&
      EVP_DigestVerify(verify.get(), value.data(), value.size(), tbs.data(), tbs.size()) == 1;
  if (!verified) {
    throw_openssl_error(ErrorCode::CryptoError,
                        "the signer's signature does not verify with the issuer's public key; " +
                            what + " discarded");
  }
  return assemble(tbs, signer_.signature_algorithm(), value);
}

}  // namespace kpki
