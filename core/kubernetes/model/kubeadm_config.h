#pragma once
// kubeadm's own configuration (kubeadm.k8s.io/v1beta4 InitConfiguration + ClusterConfiguration,
// multi-document) read as a one-node ClusterConfig, strictly: every field of those two kinds is
// checked against v1beta4 at every level (kubeadm_schema.h), so a typo is refused, while the
// fields kpki has no use for (they configure other phases of kubeadm) are accepted and unused.
// Documents of other API groups (KubeletConfiguration, KubeProxyConfiguration) are ignored.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/kubernetes/model/cluster_config.h"
#include "core/util/error.h"

namespace kpki::kube {

// A kubeadm.k8s.io document of an older API version (v1beta3, v1beta2), which kpki does not read:
// Unsupported, naming the file; the CLI adds how to convert it (`kubeadm config migrate`).
class KubeadmApiVersionError : public Error {
 public:
  // `field`: where the apiVersion is ("InitConfiguration.apiVersion").
  KubeadmApiVersionError(std::string origin, const std::string& field, std::string api_version);
  const std::string& origin() const noexcept { return origin_; }
  const std::string& api_version() const noexcept { return api_version_; }

 private:
  std::string origin_;
  std::string api_version_;
};

bool is_kubeadm_config(const std::vector<YAML::Node>& documents);

ClusterConfig parse_kubeadm_config(const std::vector<YAML::Node>& documents,
                                   const std::string& origin, const std::string& base_dir);

}  // namespace kpki::kube
