#pragma once
// How one issuance-policy entry matches one name, per name type (docs/policy.md). Each validate_*
// throws InvalidInput naming `field` for an entry that can never match what it seems to say.
#include <string>
#include <string_view>

namespace kpki::policy {

// CN and O: exact, or a prefix ending in '*' ("system:node:*"). Case-sensitive, as Kubernetes
// user and group names are.
bool text_matches(std::string_view pattern, std::string_view value);

// DNS: exact, or "*.example.com" for every name one or more labels below example.com (not
// example.com itself). Case-insensitive. A wildcard SAN ("*.a.example.com") matches as a name
// whose first label is "*".
bool dns_matches(std::string_view pattern, std::string_view name);
void validate_dns_pattern(std::string_view pattern, const std::string& field);

// IP: a CIDR ("10.96.0.0/12", "fd00::/8") or a single address. IPv4-mapped IPv6 addresses
// (::ffff:10.96.0.1) match as the IPv4 address they carry.
bool ip_matches(std::string_view range, std::string_view address);
void validate_ip_range(std::string_view range, const std::string& field);

// URI: exact, or a prefix ending in '*' ("spiffe://cluster.local/ns/*").
bool uri_matches(std::string_view pattern, std::string_view uri);

// Email: exact (domain case-insensitive), or "@example.com" for every mailbox at that domain.
bool email_matches(std::string_view pattern, std::string_view email);

}  // namespace kpki::policy
