#pragma once
// The cluster config after kpki ca import: the same ClusterPKI document with caKeys naming the
// token keys. File paths in it (caKeys, rootCA, serviceAccountKey) are written absolute, so the new
// config works wherever it is saved. YAML comments are not carried over (yaml-cpp drops them).
#include <map>
#include <string>

#include "core/kubernetes/model/cluster_config.h"

namespace kpki::kube {

// `config`'s file with caKeys set to `ca_keys` (name -> key URI). Checked by parsing it back as
// `out_path` would be. InvalidInput for a kubeadm-format config (it has no caKeys field).
std::string config_with_ca_keys(const ClusterConfig& config,
                                const std::map<std::string, std::string>& ca_keys,
                                const std::string& out_path, const KeyRegistry& registry);

}  // namespace kpki::kube
