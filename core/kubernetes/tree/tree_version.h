#pragma once
// The Kubernetes version a kpki tree was made for, kept at OUT/kpki-tree.json (0600) so that
// `certs renew` and a later `init` follow the same kubeadm table (kubeadm_versions.h) until the
// user names another version.
#include <optional>
#include <string>

#include "core/fs/file_io.h"
#include "core/kubernetes/model/cluster_config.h"

namespace kpki::kube {

// The version the tree holding `dir` (OUT, or OUT/nodes/NAME) was made for: its record; for a
// kpki tree made before versions were recorded, unversioned_tree_version(); nullopt when `dir`
// belongs to no kpki tree (a node's /etc/kubernetes). InvalidInput for a record that is not a
// private regular file of this user or does not parse.
std::optional<KubernetesVersion> tree_kubernetes_version(const std::string& dir);

// The root (OUT) of the kpki tree holding `dir` (OUT or OUT/nodes/NAME): where its record is, or
// for a tree that has none, what the ledger takes for the tree; nullopt for no tree.
std::optional<std::string> tree_root(const std::string& dir);

// Writes ROOT/kpki-tree.json; a record this call creates is added to `created` (if given), so a
// failed command removes it.
void record_tree_kubernetes_version(const std::string& root, const KubernetesVersion& version,
                                    CreatedFiles* created = nullptr);

// Settles config.kubernetes_version for a run on the tree holding `dir`: the version the config
// (or --kubernetes-version) names wins, then the tree's own, then the newest kpki knows. Returns
// the tree's version (nullopt: none), which differs from the chosen one when the run moves the
// tree to another version.
std::optional<KubernetesVersion> settle_kubernetes_version(ClusterConfig& config,
                                                           const std::string& dir);

}  // namespace kpki::kube
