#pragma once
// Every certificate of a kubeadm-style cluster in one table: file, signer, subject, profile and
// SANs. `kpki init`, `--dry-run`, `certs renew`, `certs check-expiration` and the tests all read
// it, so there is exactly one place that says what kube-apiserver's certificate looks like.
#include <string>
#include <vector>

#include "core/issue/profiles.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/x509/certificate_request.h"

namespace kpki::kube {

enum class CaId { Kubernetes, Etcd, FrontProxy };

struct CaSpec {
  CaId id;
  std::string name;       // "ca", "etcd-ca", "front-proxy-ca" (check-expiration, caKeys)
  std::string base_path;  // under pki/: "ca" -> pki/ca.crt, pki/ca.key
  Subject subject;
  SubjectAltNames sans;
};

enum class LeafKind { Certificate, Kubeconfig };

struct LeafSpec {
  std::string name;  // "apiserver", "etcd-server", "admin.conf", ... (renew / check-expiration)
  // Relative to the node directory. Certificates: without extension (".crt"/".key" appended);
  // kubeconfigs: the file itself.
  std::string path;
  LeafKind kind = LeafKind::Certificate;
  CaId ca = CaId::Kubernetes;
  Subject subject;
  Profile profile = Profile::Client;
  SubjectAltNames sans;  // normalised (kubeadm order)
  std::string server;    // kubeconfigs: https://host:port
  bool control_plane_only = false;
  // super-admin.conf (system:masters): kubeadm writes it only where `kubeadm init` runs, so only
  // the first control-plane node has it (and none with superAdminKubeconfig: false).
  bool first_control_plane_only = false;

  std::string cert_path() const { return path + ".crt"; }
  std::string key_path() const { return path + ".key"; }
};

const std::vector<CaSpec>& ca_specs();
const CaSpec& ca_spec(CaId id);

// Every leaf of `node`, in a stable order (certificates first, then kubeconfigs).
std::vector<LeafSpec> leaf_specs(const ClusterConfig& config, const NodeConfig& node);

// Names and paths of every leaf a node directory may hold, for verbs that run without a config
// (check-expiration). Subjects and SANs are left empty.
std::vector<LeafSpec> known_leaves();

// The SAN lists of the reference, exposed for tests.
SubjectAltNames apiserver_sans(const ClusterConfig& config, const NodeConfig& node);
SubjectAltNames etcd_sans(const ClusterConfig& config, const NodeConfig& node,
                          const std::vector<std::string>& extra);

// Fixed paths of a node directory.
inline constexpr const char* kKubeletConfigTls = "kubelet/config-tls.yaml";
inline constexpr const char* kServiceAccountKey = "pki/sa.key";
inline constexpr const char* kServiceAccountPub = "pki/sa.pub";

// kubelet/config-tls.yaml: the KubeletConfiguration fragment pointing at the serving cert.
std::string kubelet_tls_config();

}  // namespace kpki::kube
