#include "core/crl/revocation_reason.h"

#include <strings.h>

#include <array>
#include <utility>

#include "core/error.h"

namespace kpki {

namespace {

constexpr std::array<std::pair<RevocationReason, const char*>, 9> kReasons{{
    {RevocationReason::Unspecified, "unspecified"},
    {RevocationReason::KeyCompromise, "keyCompromise"},
    {RevocationReason::CaCompromise, "cACompromise"},
    {RevocationReason::AffiliationChanged, "affiliationChanged"},
    {RevocationReason::Superseded, "superseded"},
    {RevocationReason::CessationOfOperation, "cessationOfOperation"},
    {RevocationReason::CertificateHold, "certificateHold"},
    {RevocationReason::PrivilegeWithdrawn, "privilegeWithdrawn"},
    {RevocationReason::AaCompromise, "aACompromise"},
}};

}  // namespace

RevocationReason parse_revocation_reason(std::string_view text, std::string_view field) {
  std::string wanted(text);
  for (const auto& [reason, name] : kReasons) {
    if (strcasecmp(wanted.c_str(), name) == 0) return reason;
  }
  std::string names;
  for (const auto& [reason, name] : kReasons)
    names += (names.empty() ? "" : ", ") + std::string(name);
  throw Error(ErrorCode::InvalidInput, std::string(field) + ": unknown reason '" + wanted +
                                           "' (expected one of " + names + ")");
}

std::string revocation_reason_name(RevocationReason reason) {
  for (const auto& [r, name] : kReasons) {
    if (r == reason) return name;
  }
  return "code " + std::to_string(static_cast<int>(reason));
}

RevocationReason revocation_reason_from_code(long code) {
  for (const auto& [reason, name] : kReasons) {
    if (static_cast<long>(reason) == code) return reason;
  }
  throw Error(ErrorCode::InvalidInput, "unknown CRL reason code " + std::to_string(code));
}

const std::vector<std::string>& revocation_reason_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [reason, name] : kReasons) out.emplace_back(name);
    return out;
  }();
  return names;
}

}  // namespace kpki
