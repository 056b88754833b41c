#include "core/kubernetes/model/cert_specs.h"

#include "core/kubernetes/model/network.h"
#include "core/x509/subject_alt_names.h"

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

// Whose SANs a leaf carries (the lists depend on the node and the config).
enum class Sans { None, ApiServer, EtcdPeer, EtcdServer, Kubelet };
// Where a kubeconfig points: the control-plane endpoint, the node's own API server, or (the
// kubelet) the one its kubeadm version says (kubeadm_versions.h: kubelet_local_mode).
enum class Server { None, Endpoint, Local, Kubelet };

// CN "{node}" is the node's name, "system:node:{node}" its kubelet user.
struct LeafRow {
  const char* name;
  const char* path;
  LeafKind kind;
  CaId ca;
  Profile profile;
  bool control_plane_only;
  const char* common_name;
  // "" = none; "{admins}", "{kubelet-client}", "{etcd-client}": the kubeadm version's group
  const char* organization;
  Sans sans;
  Server server;
  bool first_control_plane_only;
};

constexpr LeafKind kCert = LeafKind::Certificate;
constexpr LeafKind kConf = LeafKind::Kubeconfig;

// The reference's tables, in check-expiration order within each kind. kubeadm points the
// controller-manager and scheduler at their local API server (GetLocalAPIEndpoint: advertise
// address and bind port); everything else goes through the control-plane endpoint.
constexpr LeafRow kLeaves[] = {
    {"apiserver", "pki/apiserver", kCert, CaId::Kubernetes, Profile::Server, true, "kube-apiserver",
     "", Sans::ApiServer, Server::None, false},
    {"apiserver-etcd-client", "pki/apiserver-etcd-client", kCert, CaId::Etcd, Profile::Client, true,
     "kube-apiserver-etcd-client", "{etcd-client}", Sans::None, Server::None, false},
    {"apiserver-kubelet-client", "pki/apiserver-kubelet-client", kCert, CaId::Kubernetes,
     Profile::Client, true, "kube-apiserver-kubelet-client", "{kubelet-client}", Sans::None,
     Server::None, false},
    {"etcd-healthcheck-client", "pki/etcd/healthcheck-client", kCert, CaId::Etcd, Profile::Client,
     true, "kube-etcd-healthcheck-client", "{etcd-client}", Sans::None, Server::None, false},
    {"etcd-peer", "pki/etcd/peer", kCert, CaId::Etcd, Profile::Peer, true, "{node}", "",
     Sans::EtcdPeer, Server::None, false},
    {"etcd-server", "pki/etcd/server", kCert, CaId::Etcd, Profile::Peer, true, "{node}", "",
     Sans::EtcdServer, Server::None, false},
    {"front-proxy-client", "pki/front-proxy-client", kCert, CaId::FrontProxy, Profile::Client, true,
     "front-proxy-client", "", Sans::None, Server::None, false},
    {"kubelet", "kubelet/kubelet", kCert, CaId::Kubernetes, Profile::Server, false,
     "system:node:{node}", "system:nodes", Sans::Kubelet, Server::None, false},
    {"admin.conf", "admin.conf", kConf, CaId::Kubernetes, Profile::Client, true, "kubernetes-admin",
     "{admins}", Sans::None, Server::Endpoint, false},
    {"controller-manager.conf", "controller-manager.conf", kConf, CaId::Kubernetes, Profile::Client,
     true, "system:kube-controller-manager", "", Sans::None, Server::Local, false},
    {"kube-proxy.conf", "kube-proxy.conf", kConf, CaId::Kubernetes, Profile::Client, false,
     "system:kube-proxy", "system:node-proxier", Sans::None, Server::Endpoint, false},
    {"kubelet.conf", "kubelet.conf", kConf, CaId::Kubernetes, Profile::Client, false,
     "system:node:{node}", "system:nodes", Sans::None, Server::Kubelet, false},
    {"scheduler.conf", "scheduler.conf", kConf, CaId::Kubernetes, Profile::Client, true,
     "system:kube-scheduler", "", Sans::None, Server::Local, false},
    // super-admin.conf (system:masters): only where `kubeadm init` runs.
    {"super-admin.conf", "super-admin.conf", kConf, CaId::Kubernetes, Profile::Client, true,
     "kubernetes-super-admin", "system:masters", Sans::None, Server::Endpoint, true},
};

LeafSpec from_row(const LeafRow& row) {
  LeafSpec spec;
  spec.name = row.name;
  spec.path = row.path;
  spec.kind = row.kind;
  spec.ca = row.ca;
  spec.profile = row.profile;
  spec.control_plane_only = row.control_plane_only;
  spec.first_control_plane_only = row.first_control_plane_only;
  return spec;
}

std::string node_text(const std::string& text, const std::string& node_name) {
  std::string out = text;
  if (auto at = out.find("{node}"); at != std::string::npos) out.replace(at, 6, node_name);
  return out;
}

// A row's organisation, its placeholders resolved for the config's kubeadm version.
std::string organization(const LeafRow& row, const KubeadmBehaviour& kubeadm) {
  std::string org = row.organization;
  if (org == "{admins}") return kubeadm.admin_group;
  if (org == "{kubelet-client}") return kubeadm.apiserver_kubelet_client_group;
  if (org == "{etcd-client}") return kubeadm.etcd_client_group;
  return org;
}

// CN, O, SANs and server of one leaf for one node, from its row.
void fill_identity(LeafSpec& spec, const LeafRow& row, const ClusterConfig& config,
                   const NodeConfig& node, const KubeadmBehaviour& kubeadm) {
  std::string org = organization(row, kubeadm);
  spec.subject = subject(node_text(row.common_name, node.name),
                         org.empty() ? std::vector<std::string>{} : std::vector<std::string>{org});
  switch (row.sans) {
    case Sans::None:
      break;
    case Sans::ApiServer:
      spec.sans = apiserver_sans(config, node);
      break;
    case Sans::EtcdPeer:
      spec.sans = etcd_sans(config, node, config.etcd_peer_cert_sans);
      break;
    case Sans::EtcdServer:
      spec.sans = etcd_sans(config, node, config.etcd_server_cert_sans);
      break;
    case Sans::Kubelet:
      spec.sans.dns = {node.name};
      spec.sans.ips = {node.address};
      break;
  }
  normalize_subject_alt_names(spec.sans);
  Server server = row.server;
  // kubelet.conf: a worker has no API server of its own; a control plane's kubelet talks to its
  // own from the version whose kubeadm turned ControlPlaneKubeletLocalMode on.
  if (server == Server::Kubelet)
    server = node.control_plane() && kubeadm.kubelet_local_mode ? Server::Local : Server::Endpoint;
  if (server == Server::Local) spec.server = Endpoint{node.address, node.bind_port}.url();
  if (server == Server::Endpoint) spec.server = config.control_plane_endpoint.url();
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
  const KubeadmBehaviour kubeadm = config.kubeadm();
  for (const auto& row : kLeaves) {
    if (row.control_plane_only && !node.control_plane()) continue;
    LeafSpec spec = from_row(row);
    const NodeConfig* first = config.first_control_plane();
    if (spec.first_control_plane_only &&
        !(kubeadm.super_admin_conf && config.super_admin_kubeconfig && first &&
          first->name == node.name))
      continue;
    fill_identity(spec, row, config, node, kubeadm);
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
