#include "core/policy/reserved_names.h"

#include <algorithm>
#include <cctype>

#include "core/policy/name_patterns.h"

namespace kpki::policy {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
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

struct Known {
  std::string_view name;
  std::string_view why;
};

// Users (CN) with a meaning of their own. Sources:
// k8s.io/apiserver/pkg/authentication/user/user.go,
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy, cmd/kubeadm/app/constants/constants.go and
// cmd/kubeadm/app/phases/kubeconfig/kubeconfig.go (docs/policy.md).
constexpr Known kUsers[] = {
    {"system:kube-controller-manager", "is kube-controller-manager's identity"},
    {"system:kube-scheduler", "is kube-scheduler's identity"},
    {"system:kube-proxy", "is kube-proxy's identity (bound to system:node-proxier)"},
    {"system:cloud-controller-manager", "is cloud-controller-manager's identity"},
    {"system:apiserver", "is the API server's own identity"},
    {"system:anonymous", "is the identity of unauthenticated requests"},
    {"kube-apiserver-kubelet-client",
     "is the API server's kubelet client identity (kubeadm binds it to system:kubelet-api-admin)"},
    {"kube-apiserver-etcd-client", "is the API server's etcd client identity (kubeadm)"},
    {"kube-etcd-healthcheck-client", "is etcd's health check client identity (kubeadm)"},
    {"front-proxy-client",
     "is the front proxy's identity (--requestheader-allowed-names: it may assert any user)"},
    {"kube-apiserver", "is the API server's certificate name (kubeadm)"},
    {"kubernetes-admin", "is kubeadm's admin.conf user"},
    {"kubernetes-super-admin", "is kubeadm's super-admin.conf user"},
};

}  // namespace

std::optional<std::string> reserved_user(std::string_view cn) {
  for (const auto& known : kUsers)
    if (cn == known.name) return std::string(known.why);
  if (starts_with(cn, "system:node:")) return "is a Kubernetes node identity (Node authorizer)";
  if (starts_with(cn, "system:serviceaccount:")) return "is a Kubernetes service account identity";
  if (starts_with(cn, "system:bootstrap:")) return "is a bootstrap token identity";
  if (starts_with(cn, "system:"))
    return "is in the system: namespace Kubernetes reserves for its users";
  return std::nullopt;
}

std::optional<std::string> reserved_group(std::string_view o) {
  if (starts_with(o, "system:")) return "is a Kubernetes system group";
  if (o == "kubeadm:cluster-admins") return "is a kubeadm group (bound to cluster-admin)";
  if (starts_with(o, "kubeadm:")) return "is a kubeadm group";
  return std::nullopt;
}

// Names the API server and cluster DNS answer for: a certificate for one of them lets its holder
// pose as the API server or a Service to anything inside the cluster.
std::optional<std::string> reserved_dns(std::string_view dns) {
  std::string n = lower(dns);
  if (n == "kubernetes" || n == "kubernetes.default" || starts_with(n, "kubernetes.default.") ||
      under(n, "svc") || under(n, "cluster.local")) {
    return "is reserved by Kubernetes (API server and Service names)";
  }
  return std::nullopt;
}

std::optional<std::string> reserved_ip(std::string_view address) {
  if (ip_matches(kDefaultServiceSubnet, address))
    return std::string("is in ") + kDefaultServiceSubnet + ", kubeadm's default service subnet";
  return std::nullopt;
}

}  // namespace kpki::policy
