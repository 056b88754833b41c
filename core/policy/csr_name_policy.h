#pragma once
// The name policy (core/policy/name_policy.h) as the policy of the Authority that signs CSRs
// (kpki sign): each request's subject and SANs -- the CSR's -- pass enforce_name_policy before
// anything is built or signed.
#include <string>

#include "core/issue/issuance_policy.h"
#include "core/policy/name_policy.h"

namespace kpki::policy {

class CsrNamePolicy final : public IssuancePolicy {
 public:
  // `origin` (the CSR file) is named in refusals.
  CsrNamePolicy(NamePolicy policy, std::string origin)
      : policy_(std::move(policy)), origin_(std::move(origin)) {}
  // Throws PolicyError (InvalidInput) naming the first refused name.
  void check(const CertificateRequest& request) const override;

 private:
  NamePolicy policy_;
  std::string origin_;
};

}  // namespace kpki::policy
