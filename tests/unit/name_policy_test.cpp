// The issuance name policy of `kpki sign` (core/policy): default refusals, allow/deny precedence,
// the cross-type allow rule, DNS wildcards, CIDR v4/v6 and the policy file.
#include <gtest/gtest.h>

#include "core/policy/name_patterns.h"
#include "core/policy/name_policy.h"
#include "core/policy/policy_file.h"
#include "core/util/error.h"

namespace kpki::policy {
namespace {

Subject client(const std::string& cn, std::vector<std::string> orgs = {}) {
  Subject s;
  s.common_name = cn;
  s.organizations = std::move(orgs);
  return s;
}

SubjectAltNames dns(std::vector<std::string> names) {
  SubjectAltNames s;
  s.dns = std::move(names);
  return s;
}

SubjectAltNames ips(std::vector<std::string> addresses) {
  SubjectAltNames s;
  s.ips = std::move(addresses);
  return s;
}

// The refusal kind, or nullopt when the names pass; a non-policy error fails the test.
std::optional<Refusal> refusal(const NamePolicy& p, const Subject& subject,
                               const SubjectAltNames& sans, std::string* message = nullptr) {
  try {
    enforce_name_policy(p, subject, sans, "req.csr");
    return std::nullopt;
  } catch (const PolicyError& e) {
    if (message) *message = e.message();
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    return e.refusal();
  }
}

TEST(NamePolicyDefaults, SystemGroupsAreRefusedUnlessAllowed) {
  NamePolicy p;
  std::string message;
  EXPECT_EQ(refusal(p, client("alice", {"system:masters"}), {}, &message), Refusal::SystemGroup);
  EXPECT_EQ(message,
            "req.csr: O=system:masters is a Kubernetes system group (refused by default policy)");
  EXPECT_EQ(refusal(p, client("n", {"dev", "system:nodes"}), {}), Refusal::SystemGroup);
  EXPECT_EQ(refusal(p, client("alice", {"dev", "system-ish"}), {}), std::nullopt);

  p.allowed_groups = {"system:nodes"};
  EXPECT_EQ(refusal(p, client("w1", {"system:nodes"}), {}), std::nullopt);
  EXPECT_EQ(refusal(p, client("x", {"system:nodes", "system:masters"}), {}), Refusal::SystemGroup);

  // Only allowReserved lifts a reserved group by pattern; an allow rule does not.
  NamePolicy by_allow_rule;
  by_allow_rule.organizations.allow = {{"system:bootstrappers:*", "p.yaml: allow.organizations"}};
  EXPECT_EQ(refusal(by_allow_rule, client("b", {"system:bootstrappers:kubeadm"}), {}),
            Refusal::SystemGroup);
  by_allow_rule.allow_reserved.organizations = {
      {"system:bootstrappers:*", "p.yaml: allowReserved.organizations"}};
  EXPECT_EQ(refusal(by_allow_rule, client("b", {"system:bootstrappers:kubeadm"}), {}),
            std::nullopt);
}

// Users and groups Kubernetes' authorizers and kubeadm's bindings give power to (docs/policy.md
// lists them with their source): each used to be certified by default.
TEST(NamePolicyDefaults, ReservedUsersAndKubeadmGroupsAreRefused) {
  NamePolicy p;
  for (const char* cn :
       {"system:kube-controller-manager", "system:kube-scheduler", "system:kube-proxy",
        "system:node:cp1", "system:serviceaccount:kube-system:default", "system:anonymous",
        "system:apiserver", "system:bootstrap:abcdef", "system:anything",
        "kube-apiserver-kubelet-client", "kube-apiserver-etcd-client",
        "kube-etcd-healthcheck-client", "front-proxy-client", "kube-apiserver", "kubernetes-admin",
        "kubernetes-super-admin"}) {
    std::string message;
    EXPECT_EQ(refusal(p, client(cn), {}, &message), Refusal::ReservedUser) << cn;
    EXPECT_EQ(message.rfind(std::string("req.csr: CN '") + cn + "' ", 0), 0u) << message;
    EXPECT_NE(message.find("(refused by default policy)"), std::string::npos) << message;
  }
  for (const char* group : {"kubeadm:cluster-admins", "kubeadm:get-nodes",
                            "kubeadm:nodes-kubeadm-config", "kubeadm:kubelet-bootstrap",
                            "system:masters", "system:bootstrappers:kubeadm:default-node-token",
                            "system:serviceaccounts", "system:authenticated"}) {
    EXPECT_EQ(refusal(p, client("alice", {group}), {}), Refusal::SystemGroup) << group;
  }
  std::string message;
  refusal(p, client("alice", {"kubeadm:cluster-admins"}), {}, &message);
  EXPECT_EQ(message,
            "req.csr: O=kubeadm:cluster-admins is a kubeadm group (bound to cluster-admin) "
            "(refused by default policy)");
  // Names that only look alike: Kubernetes user and group names are case-sensitive.
  EXPECT_EQ(refusal(p, client("alice", {"dev", "kubeadm", "systemd", "System:masters"}), {}),
            std::nullopt);
  EXPECT_EQ(refusal(p, client("kube-apiserver-kubelet-client-2"), {}), std::nullopt);
  EXPECT_EQ(refusal(p, client("System:node:cp1"), {}), std::nullopt);

  // allowGroups (exact) and allowReserved (patterns) lift them, one name each.
  p.allowed_groups = {"kubeadm:cluster-admins"};
  EXPECT_EQ(refusal(p, client("alice", {"kubeadm:cluster-admins"}), {}), std::nullopt);
  EXPECT_EQ(refusal(p, client("alice", {"kubeadm:get-nodes"}), {}), Refusal::SystemGroup);
  p.allow_reserved.common_names = {{"system:node:*", "p.yaml: allowReserved.commonNames"}};
  EXPECT_EQ(refusal(p, client("system:node:cp1"), {}), std::nullopt);
  EXPECT_EQ(refusal(p, client("system:kube-proxy"), {}), Refusal::ReservedUser);
}

// The issue's two examples: an allow rule that happens to cover a reserved name no longer
// certifies it. Only allowReserved does, and the allow lists still restrict.
TEST(NamePolicyRules, AllowRulesNeverLiftReservedDefaults) {
  NamePolicy users;
  users.common_names.allow = {{"system:*", "p.yaml: allow.commonNames"}};
  users.organizations.allow = {{"kubeadm:*", "p.yaml: allow.organizations"}};
  EXPECT_EQ(refusal(users, client("system:node:cp1"), {}), Refusal::ReservedUser);
  NamePolicy groups;
  groups.organizations.allow = {{"kubeadm:*", "p.yaml: allow.organizations"}};
  EXPECT_EQ(refusal(groups, client("x", {"kubeadm:cluster-admins"}), {}), Refusal::SystemGroup);

  NamePolicy p;
  p.ips.allow = {{"10.0.0.0/8", "p.yaml: allow.ips"}};
  p.dns.allow = {{"*.local", "p.yaml: allow.dns"}};
  std::string message;
  EXPECT_EQ(refusal(p, client("x"), ips({"10.96.0.1"}), &message), Refusal::ServiceIp);
  EXPECT_EQ(message,
            "req.csr: IP '10.96.0.1' is in 10.96.0.0/12, kubeadm's default service subnet "
            "(refused by default policy)");
  EXPECT_EQ(refusal(p, client("x"), dns({"kubernetes.default.svc.cluster.local"})),
            Refusal::ReservedDns);
  EXPECT_EQ(refusal(p, client("x"), ips({"10.1.2.3"})), std::nullopt);
  EXPECT_EQ(refusal(p, client("x"), dns({"printer.local"})), std::nullopt);

  p.allow_reserved.ips = {{"10.96.0.1", "p.yaml: allowReserved.ips"}};
  p.allow_reserved.dns = {{"kubernetes.default.svc.cluster.local", "p.yaml: allowReserved.dns"},
                          {"kubernetes.default", "p.yaml: allowReserved.dns"}};
  EXPECT_EQ(refusal(p, client("x"), ips({"10.96.0.1"})), std::nullopt);
  EXPECT_EQ(refusal(p, client("x"), ips({"10.96.0.2"})), Refusal::ServiceIp);
  EXPECT_EQ(refusal(p, client("x"), dns({"kubernetes.default.svc.cluster.local"})), std::nullopt);
  // allowReserved lifts the default only: "kubernetes.default" matches no allow.dns rule.
  EXPECT_EQ(refusal(p, client("x"), dns({"kubernetes.default"})), Refusal::NotAllowed);
  // Deny still wins.
  p.ips.deny = {{"10.96.0.0/12", "--deny-ip"}};
  EXPECT_EQ(refusal(p, client("x"), ips({"10.96.0.1"})), Refusal::Denied);
}

// A CN or O holding RFC 4514 specials is shown escaped: one value, never a second attribute.
TEST(NamePolicyDefaults, RefusedGroupsAreShownAsOneEscapedValue) {
  std::string message;
  EXPECT_EQ(refusal(NamePolicy{}, client("x", {"system:x, CN=admin"}), {}, &message),
            Refusal::SystemGroup);
  EXPECT_EQ(message,
            "req.csr: O=system:x\\, CN=admin is a Kubernetes system group (refused by default "
            "policy)");
}

TEST(NamePolicyDefaults, WildcardAndKubernetesReservedDnsNamesAreRefused) {
  NamePolicy p;
  EXPECT_EQ(refusal(p, client("w"), dns({"*.example.com"})), Refusal::WildcardDns);
  EXPECT_EQ(refusal(p, client("w"), dns({"*.svc"})), Refusal::WildcardDns);
  for (const char* name : {"kubernetes", "kubernetes.default", "Kubernetes.Default.svc",
                           "kubernetes.default.svc.cluster.local", "my-db.prod.svc",
                           "my-db.prod.svc.cluster.local", "cluster.local"}) {
    std::string message;
    EXPECT_EQ(refusal(p, client("w"), dns({name}), &message), Refusal::ReservedDns) << name;
    EXPECT_NE(message.find("refused by default policy"), std::string::npos) << message;
  }
  EXPECT_EQ(refusal(p, client("w"), dns({"api.example.com", "svc.example.com", "kubernetes.io"})),
            std::nullopt);

  p.allow_wildcard_dns = true;
  EXPECT_EQ(refusal(p, client("w"), dns({"*.example.com"})), std::nullopt);
  EXPECT_EQ(refusal(p, client("w"), dns({"*.svc"})), Refusal::ReservedDns);
}

TEST(NamePolicyDefaults, ServiceSubnetIpsAreRefusedIncludingIpv4MappedIpv6) {
  NamePolicy p;
  std::string message;
  EXPECT_EQ(refusal(p, client("s"), ips({"10.96.0.1"}), &message), Refusal::ServiceIp);
  EXPECT_NE(message.find("10.96.0.0/12, kubeadm's default service subnet"), std::string::npos);
  EXPECT_EQ(refusal(p, client("s"), ips({"10.111.255.254"})), Refusal::ServiceIp);
  EXPECT_EQ(refusal(p, client("s"), ips({"::ffff:10.96.0.1"})), Refusal::ServiceIp);
  EXPECT_EQ(refusal(p, client("s"), ips({"10.95.255.255", "10.112.0.0", "fd00::1"})), std::nullopt);
}

TEST(NamePolicyRules, DenyWinsOverAllowAndAllowLiftsDefaults) {
  NamePolicy p;
  p.dns.allow = {{"*.example.com", "p.yaml: allow.dns"}, {"kubernetes.default.svc", "p.yaml"}};
  p.dns.deny = {{"admin.example.com", "p.yaml: deny.dns"}};
  p.allow_reserved.dns = {{"kubernetes.default.svc", "p.yaml: allowReserved.dns"}};
  std::string message;
  EXPECT_EQ(refusal(p, client("x"), dns({"admin.example.com"}), &message), Refusal::Denied);
  EXPECT_EQ(message,
            "req.csr: DNS name 'admin.example.com' is denied by p.yaml: deny.dns "
            "'admin.example.com'");
  EXPECT_EQ(refusal(p, client("x"), dns({"a.b.example.com", "B.Example.COM"})), std::nullopt);
  EXPECT_EQ(refusal(p, client("x"), dns({"example.com"})), Refusal::NotAllowed);
  EXPECT_EQ(refusal(p, client("x"), dns({"evil.org"})), Refusal::NotAllowed);
  // An allowReserved entry lifts the reserved-name default for exactly that name.
  EXPECT_EQ(refusal(p, client("x"), dns({"kubernetes.default.svc"})), std::nullopt);
  EXPECT_EQ(refusal(p, client("x"), dns({"kubernetes.default"})), Refusal::NotAllowed);
  // ...but a wildcard SAN still needs allowWildcardNames.
  EXPECT_EQ(refusal(p, client("x"), dns({"*.a.example.com"})), Refusal::WildcardDns);
}

TEST(NamePolicyRules, AllowForOneSanTypeRefusesSanTypesWithoutAllowRules) {
  NamePolicy p;
  p.dns.allow = {{"*.example.com", "p.yaml: allow.dns"}};
  EXPECT_EQ(refusal(p, client("x"), ips({"192.0.2.1"})), Refusal::NotAllowed);
  SubjectAltNames uri;
  uri.uris = {"spiffe://example.com/x"};
  EXPECT_EQ(refusal(p, client("x"), uri), Refusal::NotAllowed);
  // CN and O have their own lists and are not SAN types.
  EXPECT_EQ(refusal(p, client("anything", {"dev"}), dns({"a.example.com"})), std::nullopt);

  p.common_names.allow = {{"system:node:*", "p.yaml: allow.commonNames"}};
  p.allow_reserved.common_names = {{"system:node:*", "p.yaml: allowReserved.commonNames"}};
  EXPECT_EQ(refusal(p, client("system:node:w1"), {}), std::nullopt);
  EXPECT_EQ(refusal(p, client("alice"), {}), Refusal::NotAllowed);
}

TEST(NamePolicyRules, IpRangesUriPrefixesAndEmails) {
  NamePolicy p;
  p.ips.allow = {{"192.0.2.0/24", "a"}, {"2001:db8::/32", "a"}, {"10.96.0.1", "a"}};
  p.ips.deny = {{"192.0.2.128/25", "--deny-ip"}};
  p.allow_reserved.ips = {{"10.96.0.0/12", "a"}};
  EXPECT_EQ(refusal(p, client("x"), ips({"192.0.2.5", "2001:db8:1::1", "10.96.0.1"})),
            std::nullopt);
  EXPECT_EQ(refusal(p, client("x"), ips({"192.0.2.200"})), Refusal::Denied);
  EXPECT_EQ(refusal(p, client("x"), ips({"2001:db9::1"})), Refusal::NotAllowed);
  EXPECT_EQ(refusal(p, client("x"), ips({"10.96.0.2"})), Refusal::NotAllowed);

  NamePolicy deny_v6;
  deny_v6.ips.deny = {{"fd00::/8", "--deny-ip"}, {"::ffff:172.16.0.0/108", "--deny-ip"}};
  EXPECT_EQ(refusal(deny_v6, client("x"), ips({"fd12::1"})), Refusal::Denied);
  EXPECT_EQ(refusal(deny_v6, client("x"), ips({"172.16.3.4"})), Refusal::Denied);
  EXPECT_EQ(refusal(deny_v6, client("x"), ips({"fe80::1", "172.32.0.1"})), std::nullopt);

  NamePolicy u;
  u.uris.allow = {{"spiffe://cluster.local/ns/prod/*", "a"}};
  u.emails.allow = {{"@example.com", "a"}, {"ops@example.org", "a"}};
  SubjectAltNames ok;
  ok.uris = {"spiffe://cluster.local/ns/prod/sa/api"};
  ok.emails = {"alice@EXAMPLE.com", "ops@example.org"};
  EXPECT_EQ(refusal(u, client("x"), ok), std::nullopt);
  SubjectAltNames bad_uri;
  bad_uri.uris = {"spiffe://cluster.local/ns/dev/sa/api"};
  EXPECT_EQ(refusal(u, client("x"), bad_uri), Refusal::NotAllowed);
  SubjectAltNames bad_mail;
  bad_mail.emails = {"root@example.org"};
  EXPECT_EQ(refusal(u, client("x"), bad_mail), Refusal::NotAllowed);
}

TEST(NamePatterns, DnsWildcardMatchesOneOrMoreLabelsBelowOnly) {
  EXPECT_TRUE(dns_matches("*.example.com", "a.example.com"));
  EXPECT_TRUE(dns_matches("*.example.com", "a.b.example.com"));
  EXPECT_FALSE(dns_matches("*.example.com", "example.com"));
  EXPECT_FALSE(dns_matches("*.example.com", "badexample.com"));
  EXPECT_TRUE(dns_matches("Example.com", "example.COM"));
  EXPECT_TRUE(ip_matches("0.0.0.0/0", "8.8.8.8"));
  EXPECT_FALSE(ip_matches("0.0.0.0/0", "::1"));
  EXPECT_TRUE(ip_matches("::/0", "::1"));
  EXPECT_THROW(validate_ip_range("10.0.0.0/33", "f"), Error);
  EXPECT_THROW(validate_ip_range("fd00::/129", "f"), Error);
  EXPECT_THROW(validate_ip_range("10.0.0.0/", "f"), Error);
  EXPECT_THROW(validate_ip_range("10.0.0/8", "f"), Error);
  EXPECT_NO_THROW(validate_ip_range("fd00::/8", "f"));
}

TEST(PolicyFile, ParsesEveryFieldAndAppliesIt) {
  NamePolicy p = parse_policy_file(R"(
allow:
  dns: ["*.internal.example.com", "kubernetes.default.svc"]
  ips: [192.0.2.0/24, "fd00::/8"]
deny:
  commonNames: ["system:*"]
  dns: [secret.internal.example.com]
allowReserved:
  dns: [kubernetes.default.svc]
  ips: [10.96.0.1]
  commonNames: ["system:node:*"]
  organizations: ["kubeadm:get-nodes"]
allowGroups: [system:nodes]
allowWildcardNames: true
)",
                                   "policy.yaml");
  EXPECT_EQ(p.dns.allow.size(), 2u);
  EXPECT_EQ(p.allow_reserved.dns.size(), 1u);
  EXPECT_EQ(p.allow_reserved.ips.size(), 1u);
  ASSERT_EQ(p.allow_reserved.common_names.size(), 1u);
  EXPECT_EQ(p.allow_reserved.common_names[0].origin, "policy.yaml: allowReserved.commonNames");
  EXPECT_EQ(p.allow_reserved.organizations.size(), 1u);
  EXPECT_EQ(p.ips.allow.size(), 2u);
  EXPECT_EQ(p.allowed_groups, std::vector<std::string>{"system:nodes"});
  EXPECT_TRUE(p.allow_wildcard_dns);
  std::string message;
  EXPECT_EQ(refusal(p, client("system:kube-scheduler"), {}, &message), Refusal::Denied);
  EXPECT_EQ(message,
            "req.csr: CN 'system:kube-scheduler' is denied by policy.yaml: deny.commonNames "
            "'system:*'");
  EXPECT_EQ(refusal(p, client("w1", {"system:nodes"}),
                    dns({"*.a.internal.example.com", "kubernetes.default.svc"})),
            std::nullopt);
  EXPECT_EQ(refusal(p, client("w1"), dns({"secret.internal.example.com"})), Refusal::Denied);
  EXPECT_EQ(refusal(p, client("w1"), ips({"198.51.100.1"})), Refusal::NotAllowed);
  // An empty file is the default policy.
  EXPECT_EQ(refusal(parse_policy_file("", "e.yaml"), client("a", {"system:masters"}), {}),
            Refusal::SystemGroup);
}

TEST(PolicyFile, RefusesWhatCannotMeanWhatItSays) {
  auto error_of = [](const std::string& text) {
    try {
      parse_policy_file(text, "p.yaml");
    } catch (const Error& e) {
      return e.message();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(error_of("allow: {dnss: [a.com]}"),
            "p.yaml: allow.dnss: unknown field (did you mean 'dns'?)");
  EXPECT_EQ(error_of("allowReserved: {uris: ['spiffe://a/b']}"),
            "p.yaml: allowReserved.uris: unknown field");
  EXPECT_EQ(error_of("allowReserved: {ips: [10.96.0.1]}\nallowReserved: {dns: [kubernetes]}"),
            "p.yaml: allowReserved: field given twice");
  EXPECT_EQ(error_of("allowReserved: {ips: [10.96.0.0/40]}")
                .rfind("p.yaml: allowReserved.ips[0]: invalid CIDR", 0),
            0u);
  EXPECT_EQ(error_of("allowReserved: [10.96.0.1]").rfind("p.yaml: allowReserved", 0), 0u);
  EXPECT_EQ(error_of("allow: {dns: [a.com]}\nallow: {dns: [b.com]}"),
            "p.yaml: allow: field given twice");
  EXPECT_EQ(error_of("deny: {ips: [10.0.0.0/40]}").rfind("p.yaml: deny.ips[0]: invalid CIDR", 0),
            0u);
  EXPECT_EQ(error_of("allow: {dns: ['bad_name.com']}").rfind("p.yaml: allow.dns[0]: invalid", 0),
            0u);
  EXPECT_EQ(error_of("allow: {dns: ['']}"), "p.yaml: allow.dns[0]: empty entry");
  EXPECT_NE(error_of("allow: {commonNames: [\"a\\u202Eb\"]}").find("bidi"), std::string::npos);
  EXPECT_EQ(error_of("allowWildcardNames: yes"),
            "p.yaml: allowWildcardNames: expected true or false");
  EXPECT_EQ(error_of("allow: {uris: ['no scheme']}").rfind("p.yaml: allow.uris[0]: invalid", 0),
            0u);
  EXPECT_NE(error_of("allow: [").find("YAML syntax error"), std::string::npos);
  EXPECT_NE(error_of("a: 1\n---\nb: 2\n").find("p.yaml"), std::string::npos);
}

}  // namespace
}  // namespace kpki::policy
