#pragma once
// Conversions between kpki's Subject / SubjectAltNames and OpenSSL's X509_NAME / GENERAL_NAMES,
// and their DER written directly (what a certificate's TBS carries).
#include <string>

#include "core/util/ossl_ptr.h"
#include "core/x509/certificate_request.h"

namespace kpki {

// Attribute order follows Go's crypto/x509 (and so kubeadm): C, ST, L, O, OU, CN.
X509NamePtr make_x509_name(const Subject& subject);
// Appends `subject`'s attributes to `name` (a certificate's own subject name, filled in place:
// X509_set_subject_name would copy it through an encode and a decode).
void fill_x509_name(X509_NAME* name, const Subject& subject);

// The same attributes with the same checks, appended as a DER Name.
void append_x509_name(Bytes& out, const Subject& subject);

// Throws InvalidInput naming `origin` for attributes kpki does not model when `strict` (a CSR);
// otherwise they are skipped (a certificate being described).
Subject subject_from_x509_name(const X509_NAME* name, const std::string& origin, bool strict);

// Validates every entry (InvalidInput on a malformed one) and encodes it.
GeneralNamesPtr make_general_names(const SubjectAltNames& sans);

// The same, validated the same way, appended as a DER GeneralNames (SEQUENCE OF GeneralName).
void append_general_names(Bytes& out, const SubjectAltNames& sans);

// Throws InvalidInput naming `origin` for name types kpki does not model when `strict`.
SubjectAltNames sans_from_general_names(const GENERAL_NAMES* names, const std::string& origin,
                                        bool strict);

}  // namespace kpki
