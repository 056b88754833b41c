#include "core/policy/name_policy.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "core/policy/name_patterns.h"
#include "core/util/display_text.h"

namespace kpki::policy {

namespace {

using Matcher = std::function<bool(std::string_view pattern, std::string_view name)>;

// Which names of a type Kubernetes reserves (why, or nullopt), the allowReserved entries that
// lift that default, and how a refusal is reported.
struct ReservedDefault {
  const std::vector<Rule>* overrides = nullptr;
  std::function<std::optional<std::string>(std::string_view name)> why;
  Refusal refusal = Refusal::NotAllowed;
};

// One name type: how it is called in messages, its rules, how a pattern matches, and which of
// its names Kubernetes reserves.
struct NameType {
  const char* label;  // "DNS name"
  const NameRules& rules;
  Matcher matches;
  bool is_san;
  ReservedDefault reserved{};  // none for URIs and emails
};

const Rule* first_match(const std::vector<Rule>& rules, const Matcher& matches,
                        std::string_view name) {
  for (const auto& rule : rules)
    if (matches(rule.pattern, name)) return &rule;
  return nullptr;
}

class Checker {
 public:
  Checker(const NamePolicy& policy, const std::string& origin) : origin_(origin) {
    for (const NameRules* r : {&policy.dns, &policy.ips, &policy.uris, &policy.emails})
      any_san_allow_ |= !r->allow.empty();
  }

  // Explicit deny, then the allow lists.
  void check_rules(const NameType& type, const std::string& name) const {
    if (const Rule* rule = first_match(type.rules.deny, type.matches, name)) {
      refuse(Refusal::Denied, type, name,
             "is denied by " + rule->origin + " '" + printable(rule->pattern) + "'");
    }
    if (!type.rules.allow.empty()) {
      if (!first_match(type.rules.allow, type.matches, name))
        refuse(Refusal::NotAllowed, type, name,
               "matches no allow rule of " + type.rules.allow.front().origin);
    } else if (type.is_san && any_san_allow_) {
      refuse(Refusal::NotAllowed, type, name,
             "is not allowed: the policy has allow rules for other name types but none for this "
             "one");
    }
  }

  // The reserved default, lifted only by an allowReserved entry or `also_lifted` (allowGroups).
  // An allow rule says which names a requester may have; it never means "reserved names too"
  // (allow.ips 10.0.0.0/8 must not hand out the API server's service IP).
  void check_reserved(const NameType& type, const std::string& name,
                      bool also_lifted = false) const {
    if (!type.reserved.why) return;
    std::optional<std::string> why = type.reserved.why(name);
    if (why && !also_lifted && !first_match(*type.reserved.overrides, type.matches, name))
      refuse(type.reserved.refusal, type, name, *why + " (refused by default policy)");
  }

  [[noreturn]] void refuse(Refusal why, const NameType& type, const std::string& name,
                           const std::string& what) const {
    // A reserved group as the subject shows it (O=...), other names quoted.
    std::string shown = why == Refusal::SystemGroup ? std::string("O=") + escape_dn_value(name)
                                                    : std::string(type.label) + " '" + name + "'";
    throw PolicyError(why, origin_ + ": " + printable(shown) + " " + what);
  }

  const std::string& origin_;
  bool any_san_allow_ = false;
};

}  // namespace

void enforce_name_policy(const NamePolicy& policy, const Subject& subject,
                         const SubjectAltNames& sans, const std::string& origin) {
  Checker c(policy, origin);
  const ReservedOverrides& lift = policy.allow_reserved;
  NameType cn{"CN", policy.common_names, text_matches, false};
  cn.reserved = {&lift.common_names, reserved_user, Refusal::ReservedUser};
  NameType org{"O", policy.organizations, text_matches, false};
  org.reserved = {&lift.organizations, reserved_group, Refusal::SystemGroup};
  NameType dns{"DNS name", policy.dns, dns_matches, true};
  dns.reserved = {&lift.dns, reserved_dns, Refusal::ReservedDns};
  NameType ip{"IP", policy.ips, ip_matches, true};
  ip.reserved = {&lift.ips, reserved_ip, Refusal::ServiceIp};
  NameType uri{"URI", policy.uris, uri_matches, true};
  NameType email{"email", policy.emails, email_matches, true};

  if (!subject.common_name.empty()) {
    c.check_rules(cn, subject.common_name);
    c.check_reserved(cn, subject.common_name);
  }
  for (const auto& o : subject.organizations) {
    c.check_rules(org, o);
    bool listed = std::find(policy.allowed_groups.begin(), policy.allowed_groups.end(), o) !=
                  policy.allowed_groups.end();
    c.check_reserved(org, o, listed);
  }
  for (const auto& d : sans.dns) {
    c.check_rules(dns, d);
    if (d.rfind("*.", 0) == 0 && !policy.allow_wildcard_dns)
      c.refuse(Refusal::WildcardDns, dns, d, "is a wildcard (refused by default policy)");
    c.check_reserved(dns, d);
  }
  for (const auto& a : sans.ips) {
    c.check_rules(ip, a);
    c.check_reserved(ip, a);
  }
  for (const auto& u : sans.uris) c.check_rules(uri, u);
  for (const auto& e : sans.emails) c.check_rules(email, e);
}

}  // namespace kpki::policy
