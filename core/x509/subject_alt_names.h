#pragma once
// Validation and normalisation of subjectAltName entries. A malformed name is an error, never
// silently dropped: a certificate missing a SAN fails in production, far from the typo.
#include <string>
#include <string_view>

#include "core/util/bytes.h"
#include "core/x509/certificate_request.h"

namespace kpki {

// Each throws InvalidInput naming the value and what is wrong with it.
void validate_dns_name(std::string_view name);  // RFC 1123 labels, optional leading "*."
Bytes parse_ip_address(std::string_view text);  // 4 or 16 bytes
std::string format_ip_address(ByteView bytes);  // canonical text form
void validate_uri(std::string_view uri);
void validate_email(std::string_view email);
void validate_subject_alt_names(const SubjectAltNames& sans);

// Sorted, de-duplicated DNS names; IPs de-duplicated (by address) keeping first-seen order:
// kubeadm's convention for SAN lists.
void normalize_subject_alt_names(SubjectAltNames& sans);

}  // namespace kpki
