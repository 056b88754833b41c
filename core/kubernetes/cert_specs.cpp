#include "core/kubernetes/cert_specs.h"

#include "core/kubernetes/network.h"
#include "core/subject_alt_names.h"

namespace kpki::kube {

namespace {

// Appends `extra` (already validated IPs or DNS names) to the right SAN list.
void add_extra_sans(SubjectAltNames& sans, const std::vector<std::string>& extra) {
  for (const auto& name : extra) (is_ip_address(name) ? sans.ips : sans.dns).push_back(name);
}

Subject subject(std::string cn, std::vector<std::string> orgs = {}) {
  Subject s;
  s.common_name = std::move(cn);
  s.organizations = std::move(orgs);
  return s;
}

struct LeafRow {
  const char* name;
  const char* path;
  LeafKind kind;
  CaId ca;
  Profile profile;
  bool control_plane_only;
};

// The reference's tables, in check-expiration order within each kind.
constexpr LeafRow kLeaves[] = {
    {"apiserver", "pki/apiserver", LeafKind::Certificate, CaId::Kubernetes, Profile::Server, true},
    {"apiserver-etcd-client", "pki/apiserver-etcd-client", LeafKind::Certificate, CaId::Etcd,
     Profile::Client, true},
    {"apiserver-kubelet-client", "pki/apiserver-kubelet-client", LeafKind::Certificate,
     CaId::Kubernetes, Profile::Client, true},
    {"etcd-healthcheck-client", "pki/etcd/healthcheck-client", LeafKind::Certificate, CaId::Etcd,
     Profile::Client, true},
    {"etcd-peer", "pki/etcd/peer", LeafKind::Certificate, CaId::Etcd, Profile::Peer, true},
    {"etcd-server", "pki/etcd/server", LeafKind::Certificate, CaId::Etcd, Profile::Peer, true},
    {"front-proxy-client", "pki/front-proxy-client", LeafKind::Certificate, CaId::FrontProxy,
     Profile::Client, true},
    {"kubelet", "kubelet/kubelet", LeafKind::Certificate, CaId::Kubernetes, Profile::Server, false},
    {"admin.conf", "admin.conf", LeafKind::Kubeconfig, CaId::Kubernetes, Profile::Client, true},
    {"controller-manager.conf", "controller-manager.conf", LeafKind::Kubeconfig, CaId::Kubernetes,
     Profile::Client, true},
    {"kube-proxy.conf", "kube-proxy.conf", LeafKind::Kubeconfig, CaId::Kubernetes, Profile::Client,
     false},
    {"kubelet.conf", "kubelet.conf", LeafKind::Kubeconfig, CaId::Kubernetes, Profile::Client,
     false},
    {"scheduler.conf", "scheduler.conf", LeafKind::Kubeconfig, CaId::Kubernetes, Profile::Client,
     true},
    {"super-admin.conf", "super-admin.conf", LeafKind::Kubeconfig, CaId::Kubernetes,
     Profile::Client, true},
};

LeafSpec from_row(const LeafRow& row) {
  LeafSpec spec;
  spec.name = row.name;
  spec.path = row.path;
  spec.kind = row.kind;
  spec.ca = row.ca;
  spec.profile = row.profile;
  spec.control_plane_only = row.control_plane_only;
  spec.first_control_plane_only = spec.name == "super-admin.conf";
  return spec;
}

// CN, O and SANs of one leaf for one node.
void fill_identity(LeafSpec& spec, const ClusterConfig& config, const NodeConfig& node) {
  const std::string node_user = "system:node:" + node.name;
  const std::string& n = spec.name;
  if (n == "apiserver") {
    spec.subject = subject("kube-apiserver");
    spec.sans = apiserver_sans(config, node);
  } else if (n == "apiserver-etcd-client") {
    spec.subject = subject("kube-apiserver-etcd-client");
  } else if (n == "apiserver-kubelet-client") {
    spec.subject = subject("kube-apiserver-kubelet-client", {"kubeadm:cluster-admins"});
  } else if (n == "etcd-healthcheck-client") {
    spec.subject = subject("kube-etcd-healthcheck-client");
  } else if (n == "etcd-peer") {
    spec.subject = subject(node.name);
    spec.sans = etcd_sans(config, node, config.etcd_peer_cert_sans);
  } else if (n == "etcd-server") {
    spec.subject = subject(node.name);
    spec.sans = etcd_sans(config, node, config.etcd_server_cert_sans);
  } else if (n == "front-proxy-client") {
    spec.subject = subject("front-proxy-client");
  } else if (n == "kubelet") {
    spec.subject = subject(node_user, {"system:nodes"});
    spec.sans.dns = {node.name};
    spec.sans.ips = {node.address};
  } else if (n == "admin.conf") {
    spec.subject = subject("kubernetes-admin", {"kubeadm:cluster-admins"});
  } else if (n == "super-admin.conf") {
    spec.subject = subject("kubernetes-super-admin", {"system:masters"});
  } else if (n == "controller-manager.conf") {
    spec.subject = subject("system:kube-controller-manager");
  } else if (n == "scheduler.conf") {
    spec.subject = subject("system:kube-scheduler");
  } else if (n == "kubelet.conf") {
    spec.subject = subject(node_user, {"system:nodes"});
  } else if (n == "kube-proxy.conf") {
    spec.subject = subject("system:kube-proxy", {"system:node-proxier"});
  }
  normalize_subject_alt_names(spec.sans);
  if (spec.kind == LeafKind::Kubeconfig) {
    // kubeadm points the controller-manager and scheduler at their local API server; everything
    // else goes through the control-plane endpoint.
    // (kubeadm's GetLocalAPIEndpoint: advertise address and bind port).
    bool local = n == "controller-manager.conf" || n == "scheduler.conf";
    spec.server =
        local ? Endpoint{node.address, node.bind_port}.url() : config.control_plane_endpoint.url();
  }
}

}  // namespace

const std::vector<CaSpec>& ca_specs() {
  static const std::vector<CaSpec> specs = [] {
    std::vector<CaSpec> out;
    auto add = [&](CaId id, const char* name, const char* base, const char* cn) {
      CaSpec spec{id, name, base, subject(cn), {}};
      spec.sans.dns = {cn};
      out.push_back(spec);
    };
    add(CaId::Kubernetes, "ca", "pki/ca", "kubernetes");
    add(CaId::Etcd, "etcd-ca", "pki/etcd/ca", "etcd-ca");
    add(CaId::FrontProxy, "front-proxy-ca", "pki/front-proxy-ca", "front-proxy-ca");
    return out;
  }();
  return specs;
}

const CaSpec& ca_spec(CaId id) { return ca_specs().at(static_cast<size_t>(id)); }

SubjectAltNames apiserver_sans(const ClusterConfig& config, const NodeConfig& node) {
  SubjectAltNames sans;
  sans.dns = {node.name, "kubernetes", "kubernetes.default", "kubernetes.default.svc",
              "kubernetes.default.svc." + config.dns_domain};
  sans.ips = {config.service_ip, node.address};
  add_extra_sans(sans, {config.control_plane_endpoint.host});
  add_extra_sans(sans, config.apiserver_cert_sans);
  normalize_subject_alt_names(sans);
  return sans;
}

SubjectAltNames etcd_sans(const ClusterConfig&, const NodeConfig& node,
                          const std::vector<std::string>& extra) {
  SubjectAltNames sans;
  sans.dns = {node.name, "localhost"};
  sans.ips = {node.address, "127.0.0.1", "::1"};
  add_extra_sans(sans, extra);
  normalize_subject_alt_names(sans);
  return sans;
}

std::vector<LeafSpec> leaf_specs(const ClusterConfig& config, const NodeConfig& node) {
  std::vector<LeafSpec> out;
  for (const auto& row : kLeaves) {
    if (row.control_plane_only && !node.control_plane()) continue;
    LeafSpec spec = from_row(row);
    const NodeConfig* first = config.first_control_plane();
    if (spec.first_control_plane_only &&
        !(config.super_admin_kubeconfig && first && first->name == node.name))
      continue;
    fill_identity(spec, config, node);
    out.push_back(std::move(spec));
  }
  return out;
}

std::vector<LeafSpec> known_leaves() {
  std::vector<LeafSpec> out;
  for (const auto& row : kLeaves) out.push_back(from_row(row));
  return out;
}

std::string kubelet_tls_config() {
  return "# kpki: merge into the kubelet's KubeletConfiguration (or pass with --config-dir).\n"
         "apiVersion: kubelet.config.k8s.io/v1beta1\n"
         "kind: KubeletConfiguration\n"
         "tlsCertFile: /etc/kubernetes/kubelet/kubelet.crt\n"
         "tlsPrivateKeyFile: /etc/kubernetes/kubelet/kubelet.key\n"
         "authentication:\n"
         "  x509:\n"
         "    clientCAFile: /etc/kubernetes/pki/ca.crt\n";
}

}  // namespace kpki::kube
