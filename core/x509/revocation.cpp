#include "core/x509/revocation.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/util/error.h"

namespace kpki {

namespace {

struct ReasonName {
  RevocationReason reason;
  std::string_view name;
};

constexpr std::array<ReasonName, 10> kReasons{{
    {RevocationReason::Unspecified, "unspecified"},
    {RevocationReason::KeyCompromise, "keyCompromise"},
    {RevocationReason::CaCompromise, "cACompromise"},
    {RevocationReason::AffiliationChanged, "affiliationChanged"},
    {RevocationReason::Superseded, "superseded"},
    {RevocationReason::CessationOfOperation, "cessationOfOperation"},
    {RevocationReason::CertificateHold, "certificateHold"},
    {RevocationReason::RemoveFromCrl, "removeFromCRL"},
    {RevocationReason::PrivilegeWithdrawn, "privilegeWithdrawn"},
    {RevocationReason::AaCompromise, "aACompromise"},
}};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view reason_name(RevocationReason reason) {
  for (const ReasonName& r : kReasons)
    if (r.reason == reason) return r.name;
  return "unspecified";
}

RevocationReason parse_reason(std::string_view name, std::string_view field) {
  for (const ReasonName& r : kReasons)
    if (equal_ignoring_case(name, r.name)) return r.reason;
  std::string accepted;
  for (const ReasonName& r : kReasons)
    accepted += (accepted.empty() ? "" : ", ") + std::string(r.name);
  throw Error(ErrorCode::InvalidInput,
              std::string(field) + " '" + std::string(name) + "': expected one of " + accepted);
}

RevocationReason reason_from_code(long code) {
  for (const ReasonName& r : kReasons)
    if (static_cast<long>(r.reason) == code) return r.reason;
  throw Error(ErrorCode::InvalidInput, "unknown revocation reason code " + std::to_string(code));
}

}  // namespace kpki
