#pragma once
// The cluster description `kpki init` works from: kpki's own `ClusterPKI` YAML, or kubeadm's
// v1beta4 InitConfiguration + ClusterConfiguration for a single control-plane node. Parsing is
// strict: every error names the file and the field.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/kubernetes/model/kubeadm_versions.h"
#include "core/kubernetes/model/network.h"
#include "core/x509/algorithm.h"

namespace kpki {
class KeyRegistry;
}

namespace kpki::kube {

enum class NodeRole { ControlPlane, Worker };

inline constexpr int kApiServerPort = 6443;

struct NodeConfig {
  std::string name;
  std::string address;  // canonical IP text
  NodeRole role = NodeRole::ControlPlane;
  // The local kube-apiserver's port (kubeadm's localAPIEndpoint.bindPort): where this node's
  // controller-manager and scheduler connect.
  int bind_port = kApiServerPort;

  bool control_plane() const { return role == NodeRole::ControlPlane; }
};

struct ClusterConfig {
  std::string source;    // the config file, for messages
  std::string base_dir;  // relative paths resolve against this
  std::string cluster_name = "kubernetes";
  // Required with several control-plane nodes; default: the only one's address:bindPort.
  Endpoint control_plane_endpoint;
  std::string service_subnet = "10.96.0.0/12";
  std::string service_ip;  // first address of the (first) service subnet
  std::string dns_domain = "cluster.local";
  // The kubeadm the tree is made for (kubeadm_versions.h); given = the config names one
  // (kubernetesVersion), else the tree's record or the newest decide (tree/tree_version.h).
  KubernetesVersion kubernetes_version = newest_known_version();
  bool kubernetes_version_given = false;
  // kubeadm input's featureGates.ControlPlaneKubeletLocalMode, where its kubeadm lets it be set:
  // -1 = the version's default, 0 / 1 = off / on.
  int kubelet_local_mode_gate = -1;
  Algorithm algorithm = Algorithm::Rsa2048;
  // Where the algorithm was given ("" = the default) and whether the config is kubeadm's own
  // input, whose kubeadm refuses an encryptionAlgorithm its version does not offer.
  std::string algorithm_field;
  bool kubeadm_input = false;
  std::chrono::seconds certificate_validity = std::chrono::hours(8760);
  std::chrono::seconds ca_certificate_validity = std::chrono::hours(87600);
  std::vector<std::string> apiserver_cert_sans;
  std::vector<std::string> etcd_server_cert_sans;
  std::vector<std::string> etcd_peer_cert_sans;
  // "ca", "etcd-ca", "front-proxy-ca" -> key URI, paths already resolved; absent = the default
  // file under OUT/pki.
  std::map<std::string, std::string> ca_keys;
  // rootCA: an offline root over the cluster's CAs; ca, etcd-ca and front-proxy-ca are then
  // intermediates it signs (docs/ca-lifecycle.md). Both empty: each CA is self-signed.
  struct RootCa {
    std::string cert;     // resolved path of its certificate (PEM, the root first)
    std::string key_uri;  // resolved key URI, any scheme the registry knows
    bool present() const { return !cert.empty(); }
  } root_ca;
  std::string service_account_key;  // resolved path; "" = OUT/pki/sa.key
  std::vector<NodeConfig> nodes;
  // super-admin.conf (system:masters) on the first control-plane node; false: on none.
  bool super_admin_kubeconfig = true;
  // Accepted but worth telling the user ("origin: field: what"); callers print them.
  std::vector<std::string> warnings;

  const NodeConfig* find_node(const std::string& name) const;
  // What kubeadm_version's kubeadm writes (and the feature gate, when the config set it).
  KubeadmBehaviour kubeadm() const;
  const NodeConfig* first_control_plane() const;
};

// Reads either format (told apart by apiVersion). Throws InvalidInput / NotFound naming the file.
// caKeys URIs must have a scheme in `registry`, whose descriptor resolves their relative parts.
ClusterConfig load_cluster_config(const std::string& path, const KeyRegistry& registry);
// The same from text; `origin` names it in errors, `base_dir` anchors relative paths.
ClusterConfig parse_cluster_config(const std::string& text, const std::string& origin,
                                   const std::string& base_dir, const KeyRegistry& registry);

// Makes the tree one for `text` (--kubernetes-version, a tree's record): InvalidInput /
// Unsupported naming `field`; the algorithm is checked against that version again.
void set_kubernetes_version(ClusterConfig& config, const std::string& text,
                            const std::string& field);
void set_kubernetes_version(ClusterConfig& config, const KubernetesVersion& version);

// Resolves a key URI's relative parts (a key file, a PIN file, a module: what its scheme's
// descriptor says) against `base_dir`. InvalidInput for a scheme `registry` does not know.
std::string resolve_key_uri(const std::string& uri, const std::string& base_dir,
                            const KeyRegistry& registry);

}  // namespace kpki::kube
