#pragma once
// Conversions between kpki's Subject / SubjectAltNames and OpenSSL's X509_NAME / GENERAL_NAMES.
#include <string>

#include "core/util/ossl_ptr.h"
#include "core/x509/certificate_request.h"

namespace kpki {

// Attribute order follows Go's crypto/x509 (and so kubeadm): C, ST, L, O, OU, CN.
X509NamePtr make_x509_name(const Subject& subject);
// Appends `subject`'s attributes to `name` (a certificate's own subject name, filled in place:
// X509_set_subject_name would copy it through an encode and a decode).
void fill_x509_name(X509_NAME* name, const Subject& subject);

// Throws InvalidInput naming `origin` for attributes kpki does not model when `strict` (a CSR);
// otherwise they are skipped (a certificate being described).
Subject subject_from_x509_name(const X509_NAME* name, const std::string& origin, bool strict);

// Validates every entry (InvalidInput on a malformed one) and encodes it.
GeneralNamesPtr make_general_names(const SubjectAltNames& sans);

// Throws InvalidInput naming `origin` for name types kpki does not model when `strict`.
SubjectAltNames sans_from_general_names(const GENERAL_NAMES* names, const std::string& origin,
                                        bool strict);

}  // namespace kpki
