#pragma once
// `kpki certs renew NAME|all`: a new key and serial for a leaf of a node directory and a fresh
// validity. Like kubeadm (which reads the kubeadm-config ConfigMap), the identity -- subject,
// SANs, EKU, kubeconfig server -- comes from the cluster config's certificate table, never from
// the file being replaced: a file that does not chain to its CA or names another identity is
// refused before anything is written. CAs are never renewed.
#include <ostream>
#include <string>
#include <vector>

#include "core/issue/issuance_recorder.h"
#include "core/keys/key_manager.h"
#include "core/keys/key_registry.h"
#include "core/keys/leaf_key_source.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/plan/plan.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/kubernetes/tree/leaf_key_pool.h"

namespace kpki::kube {

struct RenewOptions {
  std::string node_dir;
  std::string node_name;           // the config node; "" = the basename of node_dir
  std::vector<std::string> names;  // leaf names, or {"all"}
  ClusterConfig config;            // identities, validity, key algorithm, caKeys URIs
  KeyOptions ca_key_options;
  LeafKeyPoolOptions leaf_keys;          // threads for the new keys, progress of the run
  IssuanceRecorder* recorder = nullptr;  // where the CAs record what they sign (none: nowhere)
};

// The config node a node directory belongs to: `node_name`, or the directory's basename.
// Throws NotFound naming the config, the name and the directory.
const NodeConfig& renew_node(const ClusterConfig& config, const std::string& node_dir,
                             const std::string& node_name);

// What renewing `existing` as `spec` changes beyond key and serial ("; subject A -> B; server
// X -> Y", "" when nothing): a tree moved to another Kubernetes version (tree/tree_version.h).
std::string renew_changes(const ExistingLeaf& existing, const LeafSpec& spec);

// Checks every selected leaf (present, signed by its CA, the table's identity) and opens each CA
// key it needs, writing nothing; throws InvalidInput naming the first file that fails. The plan
// lists each leaf as Replace (or Skip: absent, with "all").
Plan plan_renew(const RenewOptions& options, const KeyRegistry& registry,
                const LeafKeySource& keys);

// Renews exactly the leaves `plan` lists as Replace; reports them with old and new serials.
Plan apply_renew(const Plan& plan, const RenewOptions& options, const KeyRegistry& registry,
                 const LeafKeySource& keys);

// plan_renew then apply_renew, one line per leaf on `log`; returns the report.
Plan renew_certificates(const RenewOptions& options, const KeyRegistry& registry,
                        const LeafKeySource& keys, std::ostream& log);

}  // namespace kpki::kube
