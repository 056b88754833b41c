#include "core/keys/certificate_signing.h"

#include "core/util/error.h"

namespace kpki {

SigningContext::SigningContext(const Signer& signer, EVP_PKEY* verify_key)
    : tbs_signer_(signer, verify_key) {}

Certificate SigningContext::sign(X509* x) const {
  // OpenSSL hands this out const; it is the certificate's own field and is meant to be set by
  // whoever signs it (X509_sign does the same internally).
  auto* inner = const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(x));
  if (!X509_ALGOR_copy(inner, tbs_signer_.algorithm())) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot set signature algorithm");
  }

  unsigned char* tbs_data = nullptr;
  int tbs_len = i2d_re_X509_tbs(x, &tbs_data);  // re-encodes: the cached TBS is stale after edits
  if (tbs_len <= 0) throw_openssl_error(ErrorCode::CryptoError, "cannot encode TBSCertificate");
  OsslBytesPtr tbs_owner(tbs_data);
  ByteView tbs(tbs_data, static_cast<size_t>(tbs_len));
  // Verified over the very bytes that go into the certificate, which is then assembled around
  // them rather than re-encoded by OpenSSL (X509_verify and i2d_X509 would each encode the
  // certificate again) or parsed back (a public key decode in OpenSSL 3.0, see core/x509/spki.h).
  return Certificate::adopt_issued(tbs_signer_.sign(tbs, "certificate"));
}

}  // namespace kpki
