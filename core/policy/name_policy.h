#pragma once
// Which names kpki will certify from a CSR (kpki sign). Safe defaults apply always: no name
// Kubernetes or kubeadm reserve (system: and kubeadm: groups, system: users and kubeadm's
// component users, kubernetes.default-style and .svc names, kubeadm's default service subnet;
// core/policy/reserved_names.h), no wildcard DNS name. A policy (file or flags) adds allow and
// deny rules per name type, in the spirit of step-ca's x509 policy; only its allowReserved lifts
// a reserved default. docs/policy.md states the exact semantics.
#include <string>
#include <vector>

#include "core/policy/reserved_names.h"
#include "core/util/error.h"
#include "core/x509/certificate_request.h"

namespace kpki::policy {

// One allow or deny entry and where it came from ("policy.yaml: dns.deny", "--deny-ip"), so an
// error can say which rule refused a name.
struct Rule {
  std::string pattern;
  std::string origin;
};

struct NameRules {
  std::vector<Rule> allow;
  std::vector<Rule> deny;
};

// Reserved names certified anyway (policy file: allowReserved), per type, with the patterns of
// that type. An allow rule never lifts a reserved default: only these do.
struct ReservedOverrides {
  std::vector<Rule> common_names, organizations, dns, ips;
};

struct NamePolicy {
  NameRules common_names, organizations, dns, ips, uris, emails;
  ReservedOverrides allow_reserved;
  // Reserved (system:, kubeadm:) groups certified anyway, exact names: allowGroups,
  // --allow-group.
  std::vector<std::string> allowed_groups;
  bool allow_wildcard_dns = false;
};

// Which rule refused a name, so the CLI can say how to lift it.
enum class Refusal {
  SystemGroup,   // default: O=system:*, O=kubeadm:*
  ReservedUser,  // default: CN=system:*, kubeadm's component and admin users
  WildcardDns,   // default: "*.example.com" SAN
  ReservedDns,   // default: kubernetes, kubernetes.default*, *.svc, *.cluster.local
  ServiceIp,     // default: 10.96.0.0/12
  Denied,        // an explicit deny rule
  NotAllowed,    // no allow rule matches
};

class PolicyError : public Error {
 public:
  PolicyError(Refusal refusal, std::string message)
      : Error(ErrorCode::InvalidInput, std::move(message)), refusal_(refusal) {}
  Refusal refusal() const noexcept { return refusal_; }

 private:
  Refusal refusal_;
};

// Throws PolicyError naming `origin` (the CSR file) and the first refused name.
void enforce_name_policy(const NamePolicy& policy, const Subject& subject,
                         const SubjectAltNames& sans, const std::string& origin);

}  // namespace kpki::policy
