#pragma once
// Names Kubernetes and kubeadm reserve: a certificate carrying one acts as a cluster component,
// a node, a service account, a privileged group or the API server. `kpki sign` refuses each by
// default; only a policy's allowReserved (or --allow-group) lifts one, never an allow rule.
// docs/policy.md lists them with the Kubernetes source each comes from.
#include <optional>
#include <string>
#include <string_view>

namespace kpki::policy {

// Each returns why the name is reserved ("is a Kubernetes node identity (...)"), or nullopt.
// CN (the Kubernetes user name): the system: prefix, and kubeadm's component and admin users.
std::optional<std::string> reserved_user(std::string_view common_name);
// O (a Kubernetes group): the system: and kubeadm: prefixes.
std::optional<std::string> reserved_group(std::string_view organization);
// DNS: kubernetes, kubernetes.default, kubernetes.default.*, .svc and cluster.local names.
std::optional<std::string> reserved_dns(std::string_view name);
// IP: kubeadm's default service subnet (kDefaultServiceSubnet), IPv4-mapped IPv6 too.
std::optional<std::string> reserved_ip(std::string_view address);

// kubeadm's default service subnet; its first address is the API server's service IP.
inline constexpr const char* kDefaultServiceSubnet = "10.96.0.0/12";

}  // namespace kpki::policy
