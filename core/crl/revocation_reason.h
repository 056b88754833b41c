#pragma once
// RFC 5280 CRLReason (section 5.3.1), by the names RFC 5280 and `openssl ca -crl_reason` use.
// removeFromCRL (8) belongs to delta CRLs, which kpki does not issue, so it is not offered.
#include <string>
#include <string_view>
#include <vector>

namespace kpki {

enum class RevocationReason {
  Unspecified = 0,
  KeyCompromise = 1,
  CaCompromise = 2,
  AffiliationChanged = 3,
  Superseded = 4,
  CessationOfOperation = 5,
  CertificateHold = 6,
  PrivilegeWithdrawn = 9,
  AaCompromise = 10,
};

// "keyCompromise", "cACompromise", ... (case-insensitive). Throws InvalidInput naming `field`.
RevocationReason parse_revocation_reason(std::string_view text,
                                         std::string_view field = "revocation reason");
// The RFC 5280 name, e.g. "keyCompromise".
std::string revocation_reason_name(RevocationReason reason);
// The RFC 5280 code of a CRL entry; throws InvalidInput for one kpki does not know.
RevocationReason revocation_reason_from_code(long code);
// Every reason, for help texts.
const std::vector<std::string>& revocation_reason_names();

}  // namespace kpki
