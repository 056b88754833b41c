#include "core/policy/name_policy.h"

#include <algorithm>
#include <cctype>
#include <functional>

#include "core/display_text.h"
#include "core/policy/name_patterns.h"

namespace kpki::policy {

namespace {

using Matcher = std::function<bool(std::string_view pattern, std::string_view name)>;

// One name type: how its rules are called in messages and how a pattern matches.
struct NameType {
  const char* label;  // "DNS name"
  const NameRules& rules;
  Matcher matches;
  bool is_san;
};

const Rule* first_match(const std::vector<Rule>& rules, const Matcher& matches,
                        std::string_view name) {
  for (const auto& rule : rules)
    if (matches(rule.pattern, name)) return &rule;
  return nullptr;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool under(const std::string& name, const std::string& domain) {
  return name == domain ||
         (name.size() > domain.size() &&
          name.compare(name.size() - domain.size() - 1, std::string::npos, "." + domain) == 0);
}

// Names the API server and cluster DNS answer for: a certificate for one of them lets its holder
// pose as the API server or a Service to anything inside the cluster.
bool is_kubernetes_reserved(std::string_view dns) {
  std::string n = lower(dns);
  return n == "kubernetes" || n == "kubernetes.default" || n.rfind("kubernetes.default.", 0) == 0 ||
         under(n, "svc") || under(n, "cluster.local");
}

class Checker {
 public:
  Checker(const NamePolicy& policy, const std::string& origin) : origin_(origin) {
    for (const NameRules* r : {&policy.dns, &policy.ips, &policy.uris, &policy.emails})
      any_san_allow_ |= !r->allow.empty();
  }

  // Explicit deny, then the allow lists; returns whether an allow rule matched (which lifts the
  // default refusals, wildcards aside).
  bool check_rules(const NameType& type, const std::string& name) const {
    if (const Rule* rule = first_match(type.rules.deny, type.matches, name)) {
      refuse(Refusal::Denied, type, name,
             "is denied by " + rule->origin + " '" + printable(rule->pattern) + "'");
    }
    if (!type.rules.allow.empty()) {
      if (!first_match(type.rules.allow, type.matches, name))
        refuse(Refusal::NotAllowed, type, name,
               "matches no allow rule of " + type.rules.allow.front().origin);
      return true;
    }
    if (type.is_san && any_san_allow_) {
      refuse(Refusal::NotAllowed, type, name,
             "is not allowed: the policy has allow rules for other name types but none for this "
             "one");
    }
    return false;
  }

  [[noreturn]] void refuse(Refusal why, const NameType& type, const std::string& name,
                           const std::string& what) const {
    throw PolicyError(why, origin_ + ": " + type.label + " '" + printable(name) + "' " + what);
  }

  void default_refusal(Refusal why, const NameType& type, const std::string& name,
                       const std::string& what) const {
    refuse(why, type, name, what + " (refused by default policy)");
  }

  const std::string& origin_;
  bool any_san_allow_ = false;
};

}  // namespace

void enforce_name_policy(const NamePolicy& policy, const Subject& subject,
                         const SubjectAltNames& sans, const std::string& origin) {
  Checker c(policy, origin);
  NameType cn{"CN", policy.common_names, text_matches, false};
  NameType org{"O", policy.organizations, text_matches, false};
  NameType dns{"DNS name", policy.dns, dns_matches, true};
  NameType ip{"IP", policy.ips, ip_matches, true};
  NameType uri{"URI", policy.uris, uri_matches, true};
  NameType email{"email", policy.emails, email_matches, true};

  if (!subject.common_name.empty()) c.check_rules(cn, subject.common_name);
  for (const auto& o : subject.organizations) {
    bool allowed = c.check_rules(org, o);
    bool listed = std::find(policy.allowed_groups.begin(), policy.allowed_groups.end(), o) !=
                  policy.allowed_groups.end();
    if (o.rfind("system:", 0) == 0 && !allowed && !listed) {
      throw PolicyError(Refusal::SystemGroup, origin + ": O=" + printable(o) +
                                                  " is a Kubernetes system group (refused by "
                                                  "default policy)");
    }
  }
  for (const auto& d : sans.dns) {
    bool allowed = c.check_rules(dns, d);
    if (d.rfind("*.", 0) == 0 && !policy.allow_wildcard_dns)
      c.default_refusal(Refusal::WildcardDns, dns, d, "is a wildcard");
    if (!allowed && is_kubernetes_reserved(d))
      c.default_refusal(Refusal::ReservedDns, dns, d,
                        "is reserved by Kubernetes (API server and Service names)");
  }
  for (const auto& a : sans.ips) {
    bool allowed = c.check_rules(ip, a);
    if (!allowed && ip_matches(kDefaultServiceSubnet, a)) {
      c.default_refusal(
          Refusal::ServiceIp, ip, a,
          std::string("is in ") + kDefaultServiceSubnet + ", kubeadm's default service subnet");
    }
  }
  for (const auto& u : sans.uris) c.check_rules(uri, u);
  for (const auto& e : sans.emails) c.check_rules(email, e);
}

}  // namespace kpki::policy
