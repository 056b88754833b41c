#include "core/certificate_signing.h"

#include "core/error.h"

namespace kpki {

namespace {

X509AlgorPtr decode_algorithm(const Bytes& der) {
  const unsigned char* p = der.data();
  X509AlgorPtr algor(d2i_X509_ALGOR(nullptr, &p, static_cast<long>(der.size())));
  if (!algor)
    throw_openssl_error(ErrorCode::CryptoError, "signer reported a malformed AlgorithmIdentifier");
  return algor;
}

}  // namespace

Certificate sign_certificate(X509* x, const Signer& signer, EVP_PKEY* verify_key) {
  X509AlgorPtr algorithm = decode_algorithm(signer.signature_algorithm());
  // OpenSSL hands these out const; they are the certificate's own fields and are meant to be set
  // by whoever signs it (X509_sign does the same internally).
  auto* inner = const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(x));
  const ASN1_BIT_STRING* const_signature = nullptr;
  const X509_ALGOR* const_outer = nullptr;
  X509_get0_signature(&const_signature, &const_outer, x);
  auto* outer = const_cast<X509_ALGOR*>(const_outer);
  auto* signature = const_cast<ASN1_BIT_STRING*>(const_signature);
  if (!X509_ALGOR_copy(inner, algorithm.get()) || !X509_ALGOR_copy(outer, algorithm.get())) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot set signature algorithm");
  }

  unsigned char* tbs = nullptr;
  int tbs_len = i2d_re_X509_tbs(x, &tbs);  // re-encodes: the cached TBS is stale after the edits
  if (tbs_len <= 0) throw_openssl_error(ErrorCode::CryptoError, "cannot encode TBSCertificate");
  OsslBytesPtr tbs_owner(tbs);
  Bytes value = signer.sign(ByteView(tbs, static_cast<size_t>(tbs_len)));

  if (!ASN1_BIT_STRING_set(signature, value.data(), static_cast<int>(value.size()))) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot set signature");
  }
  // Without BITS_LEFT, i2d derives "unused bits" from the last byte's trailing zeros and
  // corrupts signatures that end in a zero bit.
  signature->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
  signature->flags |= ASN1_STRING_FLAG_BITS_LEFT;

  unsigned char* der = nullptr;
  int der_len = i2d_X509(x, &der);
  if (der_len <= 0) throw_openssl_error(ErrorCode::CryptoError, "cannot encode certificate");
  OsslBytesPtr der_owner(der);
  Certificate certificate =
      Certificate::from_der(ByteView(der, static_cast<size_t>(der_len)), "issued certificate");
  if (X509_verify(certificate.x509(), verify_key) != 1) {
    throw_openssl_error(ErrorCode::CryptoError,
                        "the signer's signature does not verify with the issuer's public key; "
                        "certificate discarded");
  }
  return certificate;
}

}  // namespace kpki
