#pragma once
// kubeadm's own configuration (kubeadm.k8s.io/v1beta4 InitConfiguration + ClusterConfiguration,
// multi-document) read as a one-node ClusterConfig. Documents of other kinds (KubeletConfiguration,
// KubeProxyConfiguration) and fields kpki has no use for are ignored, as they configure other
// phases of kubeadm.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/kubernetes/model/cluster_config.h"

namespace kpki::kube {

bool is_kubeadm_config(const std::vector<YAML::Node>& documents);

ClusterConfig parse_kubeadm_config(const std::vector<YAML::Node>& documents,
                                   const std::string& origin, const std::string& base_dir);

}  // namespace kpki::kube
