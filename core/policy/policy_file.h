#pragma once
// The issuance policy file of `kpki sign --policy` (YAML, shaped like step-ca's x509 policy):
//
//   allow: {commonNames: [...], organizations: [...], dns: [...], ips: [...], uris: [...],
//           emails: [...]}
//   deny:  {same keys}
//   allowReserved: {commonNames: [...], organizations: [...], dns: [...], ips: [...]}
//                                    # names reserved by Kubernetes certified anyway
//   allowGroups: [system:nodes]      # reserved (system:, kubeadm:) groups certified anyway
//   allowWildcardNames: false
//
// Unknown keys, keys given twice and entries that cannot match are errors naming the file and
// field (docs/policy.md).
#include <string>

#include "core/policy/name_policy.h"

namespace kpki::policy {

NamePolicy parse_policy_file(const std::string& text, const std::string& origin);
NamePolicy load_policy_file(const std::string& path);

// Checks one pattern as parse_policy_file does (for CLI flags too); `field` names it in errors.
void validate_rule(const std::string& name_type, const std::string& pattern,
                   const std::string& field);

}  // namespace kpki::policy
