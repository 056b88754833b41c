#pragma once
// RFC 5280 revocation: the CRLReason values (5.3.1) and what a CRL lists for one certificate.
// The ledger stores these and the CRL builder writes them.
#include <string>
#include <string_view>

#include "core/util/time_point.h"

namespace kpki {

// RFC 5280 CRLReason (5.3.1), numbered as in the CRL entry extension; 7 is unused.
enum class RevocationReason {
  Unspecified = 0,
  KeyCompromise = 1,
  CaCompromise = 2,
  AffiliationChanged = 3,
  Superseded = 4,
  CessationOfOperation = 5,
  CertificateHold = 6,
  RemoveFromCrl = 8,
  PrivilegeWithdrawn = 9,
  AaCompromise = 10,
};
// RFC 5280's spelling: "keyCompromise", "cessationOfOperation", ...
std::string_view reason_name(RevocationReason reason);
// Accepts RFC 5280's names (any letter case); InvalidInput naming `field` and the accepted names.
RevocationReason parse_reason(std::string_view name, std::string_view field = "--reason");
// The reason of a numeric CRLReason code; InvalidInput for a code RFC 5280 does not define.
RevocationReason reason_from_code(long code);

// What a CRL lists for one revoked certificate.
struct RevokedEntry {
  std::string serial;  // upper-case hex
  TimePoint time;
  RevocationReason reason = RevocationReason::Unspecified;
};

}  // namespace kpki
