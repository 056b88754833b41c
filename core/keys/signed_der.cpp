#include "core/keys/signed_der.h"

#include <openssl/objects.h>

#include "core/util/error.h"
#include "core/x509/der_writer.h"

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
  der::append_header(bit_string, V_ASN1_BIT_STRING, signature.size() + 1);
  bit_string.push_back(0);  // no unused bits
  bit_string.insert(bit_string.end(), signature.begin(), signature.end());
  Bytes out;
  out.reserve(tbs.size() + algorithm.size() + bit_string.size() + 8);
  der::append_header(out, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED,
                     tbs.size() + algorithm.size() + bit_string.size());
  out.insert(out.end(), tbs.begin(), tbs.end());
  out.insert(out.end(), algorithm.begin(), algorithm.end());
  out.insert(out.end(), bit_string.begin(), bit_string.end());
  return out;
}

}  // namespace

X509AlgorPtr decode_signature_algorithm(const Bytes& der) {
  const unsigned char* p = der.data();
  X509AlgorPtr algor(d2i_X509_ALGOR(nullptr, &p, static_cast<long>(der.size())));
  if (!algor)
    throw_openssl_error(ErrorCode::CryptoError, "signer reported a malformed AlgorithmIdentifier");
  return algor;
}

TbsSigner::TbsSigner(const Signer& signer, EVP_PKEY* verify_key)
    : signer_(signer), algorithm_(decode_signature_algorithm(signer.signature_algorithm())) {
  digest_.reset(fetch_digest_of(algorithm_.get()));
  unsigned char* encoded = nullptr;
  int encoded_length = i2d_X509_ALGOR(algorithm_.get(), &encoded);
  if (encoded_length <= 0)
    throw_openssl_error(ErrorCode::CryptoError, "cannot encode the signer's AlgorithmIdentifier");
  OsslBytesPtr owner(encoded);
  algorithm_der_.assign(encoded, encoded + encoded_length);
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
  return assemble(tbs, algorithm_der_, value);
}

}  // namespace kpki
