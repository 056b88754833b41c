#pragma once
// Which kubeadm a tree is made for. Every choice of kubeadm that changed between the versions kpki
// knows is one column of one table (kubeadm_versions.cpp), each row citing the kubeadm source it
// follows; cert_specs and the config checks ask this table, never compare versions themselves.
#include <string>
#include <string_view>
#include <vector>

#include "core/x509/algorithm.h"

namespace kpki::kube {

// A Kubernetes release, 1.MINOR[.PATCH]. A version without its patch means the newest patch of
// that minor kpki knows (kubeadm changed behaviour in a patch release once: 1.36.1).
struct KubernetesVersion {
  int minor = 0;
  int patch = -1;  // -1: not given

  std::string text() const;  // "1.33" or "1.36.1"
  bool operator==(const KubernetesVersion&) const = default;
};

// Parses "1.33", "v1.33", "1.36.1", "v1.36.1". Throws InvalidInput for anything else ("1.x",
// "latest", "2.0") and Unsupported for a well-formed version outside what kpki knows; the message
// gives the supported range, the caller prefixes the field ("--kubernetes-version: ...").
KubernetesVersion parse_kubernetes_version(std::string_view text);

KubernetesVersion oldest_known_version();
// The default: what the newest kubeadm kpki knows writes.
KubernetesVersion newest_known_version();
// What a tree made by a kpki without versions holds (kubelet.conf at the endpoint,
// super-admin.conf, kubeadm:cluster-admins): kubeadm 1.32's tree.
KubernetesVersion unversioned_tree_version();

// What kubeadm of one version writes, where versions differ.
struct KubeadmBehaviour {
  // A control-plane node's kubelet.conf points at its own API server (advertise address and
  // bindPort) instead of controlPlaneEndpoint (feature gate ControlPlaneKubeletLocalMode's
  // default).
  bool kubelet_local_mode = false;
  bool super_admin_conf = false;  // super-admin.conf on the node where `kubeadm init` runs
  std::string admin_group;        // admin.conf's O
  std::string apiserver_kubelet_client_group;  // "" = no O
  std::string etcd_client_group;      // apiserver-etcd-client, etcd-healthcheck-client ("" = none)
  std::vector<Algorithm> algorithms;  // the key algorithms its config accepts
  std::string source;                 // the kubeadm source the row follows
};

// The row in force for `version` (the latest row at or below it).
const KubeadmBehaviour& kubeadm_behaviour(const KubernetesVersion& version);

// The table itself, oldest first: the version each row starts at and what changes there.
struct KubeadmVersionRow {
  KubernetesVersion since;
  KubeadmBehaviour behaviour;
};
const std::vector<KubeadmVersionRow>& kubeadm_version_rows();

// "RSA-2048, RSA-3072, ..." as kubeadm's encryptionAlgorithm spells them.
std::string algorithm_list(const std::vector<Algorithm>& algorithms);
bool accepts_algorithm(const KubeadmBehaviour& behaviour, Algorithm algorithm);

}  // namespace kpki::kube
