#pragma once
// `kpki certs renew NAME|all`: a new key and serial for a leaf of a node directory, with the
// subject, SANs and EKU copied from the certificate it replaces and a fresh validity. CAs are
// never renewed; kubeconfigs are rewritten around their new client certificate.
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/certificate_request.h"
#include "core/key_manager.h"
#include "core/key_registry.h"
#include "core/kubernetes/cluster_config.h"
#include "core/kubernetes/leaf_keys.h"

namespace kpki::kube {

struct RenewOptions {
  std::string node_dir;
  std::vector<std::string> names;  // leaf names, or {"all"}
  // From the cluster config when given; otherwise kubeadm's defaults and the existing key's
  // algorithm.
  std::optional<ClusterConfig> config;
  KeyOptions ca_key_options;
};

struct RenewResult {
  std::string name;
  std::string path;
  std::string old_serial;
  std::string new_serial;
  TimePoint not_after;
};

std::vector<RenewResult> renew_certificates(const RenewOptions& options,
                                            const KeyRegistry& registry, const LeafKeySource& keys,
                                            std::ostream& log);

}  // namespace kpki::kube
