#pragma once
// `kpki certs renew NAME|all`: a new key and serial for a leaf of a node directory and a fresh
// validity. Like kubeadm (which reads the kubeadm-config ConfigMap), the identity -- subject,
// SANs, EKU, kubeconfig server -- comes from the cluster config's certificate table, never from
// the file being replaced: a file that does not chain to its CA or names another identity is
// refused before anything is written. CAs are never renewed.
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
  std::string node_name;           // the config node; "" = the basename of node_dir
  std::vector<std::string> names;  // leaf names, or {"all"}
  ClusterConfig config;            // identities, validity, key algorithm, caKeys URIs
  KeyOptions ca_key_options;
};

struct RenewResult {
  std::string name;
  std::string path;
  std::string old_serial;
  std::string new_serial;
  TimePoint not_after;
};

// The config node a node directory belongs to: `node_name`, or the directory's basename.
// Throws NotFound naming the config, the name and the directory.
const NodeConfig& renew_node(const ClusterConfig& config, const std::string& node_dir,
                             const std::string& node_name);

// Checks every selected leaf first (present, signed by its CA, the table's identity) and throws
// InvalidInput naming the first file that fails; only then renews them.
std::vector<RenewResult> renew_certificates(const RenewOptions& options,
                                            const KeyRegistry& registry, const LeafKeySource& keys,
                                            std::ostream& log);

}  // namespace kpki::kube
