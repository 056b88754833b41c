#include "core/policy/policy_file.h"

#include <yaml-cpp/yaml.h>

#include <functional>

#include "core/config/yaml_documents.h"
#include "core/config/yaml_fields.h"
#include "core/fs/file_io.h"
#include "core/policy/name_patterns.h"
#include "core/util/display_text.h"
#include "core/x509/subject_alt_names.h"

namespace kpki::policy {

namespace {

using kube::YamlFields;

const std::set<std::string> kNameTypes = {"commonNames", "organizations", "dns",
                                          "ips",         "uris",          "emails"};

NameRules& rules_for(NamePolicy& policy, const std::string& type) {
  if (type == "commonNames") return policy.common_names;
  if (type == "organizations") return policy.organizations;
  if (type == "dns") return policy.dns;
  if (type == "ips") return policy.ips;
  if (type == "uris") return policy.uris;
  return policy.emails;
}

void read_rules(const YamlFields& section, bool allow, NamePolicy& policy) {
  section.reject_unknown(kNameTypes);
  for (const auto& type : kNameTypes) {
    std::string field = section.field_path(type);
    std::vector<std::string> patterns = section.strings(type);
    for (size_t i = 0; i < patterns.size(); ++i) {
      validate_rule(type, patterns[i],
                    section.origin() + ": " + field + "[" + std::to_string(i) + "]");
      NameRules& rules = rules_for(policy, type);
      (allow ? rules.allow : rules.deny).push_back({patterns[i], section.origin() + ": " + field});
    }
  }
}

// allowReserved: the reserved defaults this policy lifts, per type, with that type's patterns.
void read_reserved_overrides(const YamlFields& section, ReservedOverrides& out) {
  const std::pair<const char*, std::vector<Rule>*> kTypes[] = {
      {"commonNames", &out.common_names},
      {"organizations", &out.organizations},
      {"dns", &out.dns},
      {"ips", &out.ips}};
  section.reject_unknown({"commonNames", "organizations", "dns", "ips"});
  for (const auto& [type, rules] : kTypes) {
    std::string field = section.field_path(type);
    std::vector<std::string> patterns = section.strings(type);
    for (size_t i = 0; i < patterns.size(); ++i) {
      validate_rule(type, patterns[i],
                    section.origin() + ": " + field + "[" + std::to_string(i) + "]");
      rules->push_back({patterns[i], section.origin() + ": " + field});
    }
  }
}

void prefix_errors(const std::string& field, const std::function<void()>& check) {
  try {
    check();
  } catch (const Error& e) {
    throw Error(ErrorCode::InvalidInput, field + ": " + e.message());
  }
}

}  // namespace

void validate_rule(const std::string& type, const std::string& pattern, const std::string& field) {
  if (pattern.empty()) throw Error(ErrorCode::InvalidInput, field + ": empty entry");
  if (!is_printable_utf8(pattern)) {
    throw Error(ErrorCode::InvalidInput, field + ": '" + printable(pattern) +
                                             "' has control, bidi or zero-width characters");
  }
  if (type == "dns") validate_dns_pattern(pattern, field);
  if (type == "ips") validate_ip_range(pattern, field);
  if (type == "uris") {
    // "spiffe://cluster.local/ns/*": the part before '*' must start a valid URI.
    std::string uri = pattern.back() == '*' ? pattern.substr(0, pattern.size() - 1) + "x" : pattern;
    prefix_errors(field, [&] { validate_uri(uri); });
  }
  if (type == "emails") {
    prefix_errors(field, [&] {
      pattern.front() == '@' ? validate_dns_name(pattern.substr(1)) : validate_email(pattern);
    });
  }
}

NamePolicy parse_policy_file(const std::string& text, const std::string& origin) {
  YAML::Node root;
  try {
    std::vector<YAML::Node> docs = kube::load_few_yaml_documents(text, origin, 1);
    if (!docs.empty()) root.reset(docs.front());  // as YAML::Load: the first, if any
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::InvalidInput, origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                                             std::to_string(e.mark.column + 1) +
                                             ": YAML syntax error: " + e.msg);
  }
  YamlFields top(root, origin, "");
  top.reject_unknown({"allow", "deny", "allowReserved", "allowGroups", "allowWildcardNames"});
  NamePolicy policy;
  read_rules(top.mapping("allow"), true, policy);
  read_rules(top.mapping("deny"), false, policy);
  read_reserved_overrides(top.mapping("allowReserved"), policy.allow_reserved);
  policy.allowed_groups = top.strings("allowGroups");
  for (size_t i = 0; i < policy.allowed_groups.size(); ++i) {
    validate_rule("organizations", policy.allowed_groups[i],
                  origin + ": allowGroups[" + std::to_string(i) + "]");
  }
  std::string wildcard = top.string("allowWildcardNames", "false");
  if (wildcard != "true" && wildcard != "false")
    top.fail("allowWildcardNames", "expected true or false");
  policy.allow_wildcard_dns = wildcard == "true";
  return policy;
}

NamePolicy load_policy_file(const std::string& path) {
  return parse_policy_file(read_text_file(path), path);
}

}  // namespace kpki::policy
