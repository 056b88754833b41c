#pragma once
// Certificates kpki's builder refuses to make (hostile names, a NotAfter of 9999), for tests of
// what reads them: a certificate built and signed as issuance does, parsed into an X509 for
// OpenSSL to edit, then signed again over its re-encoded TBS with the same TbsSigner.
#include "core/keys/signer.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/certificate.h"
#include "core/x509/certificate_request.h"

namespace kpki::testing {

// `request` built self-signed by `signer`, as an X509 to edit.
X509Ptr editable_self_signed(const CertificateRequest& request, const Signer& signer);

// `edited` signed by `signer` (self-signed: verified with the signer's own key).
Certificate sign_edited(X509* edited, const Signer& signer);

}  // namespace kpki::testing
