#include "core/policy/csr_name_policy.h"

namespace kpki::policy {

void CsrNamePolicy::check(const CertificateRequest& request) const {
  enforce_name_policy(policy_, request.subject, request.sans, origin_);
}

}  // namespace kpki::policy
