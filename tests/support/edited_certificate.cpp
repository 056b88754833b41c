#include "tests/support/edited_certificate.h"

#include <stdexcept>

#include "core/issue/certificate_builder.h"
#include "core/keys/certificate_signing.h"
#include "core/x509/public_key.h"

namespace kpki::testing {

X509Ptr editable_self_signed(const CertificateRequest& request, const Signer& signer) {
  EvpPkeyPtr key = public_key_from_der(signer.public_key_der());
  SigningContext signing(signer, key.get());
  Certificate built =
      signing.sign(build_tbs_certificate(request, IssuerIdentity{}, signing.signature_algorithm()));
  X509Ptr copy(X509_dup(built.x509()));
  if (!copy) throw std::runtime_error("X509_dup failed");
  return copy;
}

Certificate sign_edited(X509* edited, const Signer& signer) {
  EvpPkeyPtr key = public_key_from_der(signer.public_key_der());
  TbsSigner signing(signer, key.get());
  unsigned char* tbs = nullptr;
  int length = i2d_re_X509_tbs(edited, &tbs);  // re-encodes: the cached TBS is stale after edits
  if (length <= 0) throw std::runtime_error("i2d_re_X509_tbs failed");
  OsslBytesPtr owner(tbs);
  return Certificate::adopt_issued(
      signing.sign(ByteView(tbs, static_cast<size_t>(length)), "edited certificate"));
}

}  // namespace kpki::testing
