// plan_renew: every selected leaf of a node directory checked (present, signed by its CA, the
// table's identity) and every CA key it needs opened, before anything is written (renew.h).
#include <algorithm>
#include <filesystem>

#include "core/fs/file_io.h"
#include "core/kubernetes/renew/authorities.h"
#include "core/kubernetes/renew/renew.h"
#include "core/kubernetes/rotate/state.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/kubernetes/tree/tree_version.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki::kube {

namespace {

std::string directory_name(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return std::filesystem::path(dir).filename().string();
}

// The file a leaf is shown as: a kubeconfig, or a certificate leaf's .crt.
std::string renewed_path(const LeafSpec& spec) {
  return spec.kind == LeafKind::Kubeconfig ? spec.path : spec.cert_path();
}

class RenewPlanner {
 public:
  RenewPlanner(const RenewOptions& options, const KeyRegistry& registry, const LeafKeySource& keys)
      : options_(options), keys_(keys), cas_(options, registry) {}

  Plan plan() {
    if (!file_exists(dir()))
      throw Error(ErrorCode::NotFound, "node directory '" + dir() + "' does not exist");
    refuse_renew_during_rotation(dir());  // a renewed leaf would be signed by the old CA
    const NodeConfig& node = renew_node(config(), dir(), options_.node_name);
    Plan plan{"renew", dir(), {}, {}};
    plan.kubernetes_version = config().kubernetes_version.text();
    // A tree made for another version moves to the chosen one: the plan says so, and each file
    // what changes in it.
    if (auto tree = tree_kubernetes_version(dir()); tree && !(*tree == config().kubernetes_version))
      plan.previous_kubernetes_version = tree->text();
    tables_ = version_tables(node);
    // Every file is checked (and every CA key opened) before the first one is replaced.
    for (const LeafSpec& spec : select(node)) {
      std::string path = dir() + "/" + renewed_path(spec);
      PlannedFile file{path,
                       PlanAction::Replace,
                       "",
                       spec.name,
                       ca_spec(spec.ca).name,
                       PlannedKind::Leaf,
                       node.name,
                       false};
      if (!file_exists(path)) {
        if (!all_) throw Error(ErrorCode::NotFound, "'" + path + "' does not exist");
        file.action = PlanAction::Skip;
        file.reason = "not present";
      } else {
        std::string serial = check(spec, path);  // sets moves_
        file.reason = "serial " + serial + ": new key and serial" + moves_;
      }
      plan.files.push_back(std::move(file));
    }
    for (const CaSpec& spec : ca_specs()) {
      if (cas_.opened(spec.id))
        plan.ca_keys.push_back(
            {spec.name, redact_key_uri(cas_.key_uri(spec)), PlanAction::Keep, ""});
    }
    return plan;
  }

 private:
  const std::string& dir() const { return options_.node_dir; }
  const ClusterConfig& config() const { return options_.config; }

  std::vector<LeafSpec> select(const NodeConfig& node) {
    std::vector<LeafSpec> table = leaf_specs(config(), node);
    all_ = options_.names.size() == 1 && options_.names[0] == "all";
    if (all_) return table;
    std::vector<LeafSpec> known = known_leaves();
    std::vector<LeafSpec> out;
    for (const std::string& name : options_.names) {
      for (const CaSpec& ca : ca_specs()) {
        if (name == ca.name)
          throw Error(ErrorCode::InvalidInput,
                      "'" + name + "' is a CA: certs renew never renews a CA");
      }
      auto named = [&](const LeafSpec& s) { return s.name == name; };
      if (std::none_of(known.begin(), known.end(), named)) {
        std::string names;
        for (const auto& s : known) names += (names.empty() ? "" : ", ") + s.name;
        throw Error(ErrorCode::InvalidInput,
                    "unknown certificate '" + name + "' (expected all, " + names + ")");
      }
      auto it = std::find_if(table.begin(), table.end(), named);
      if (it == table.end())
        throw Error(ErrorCode::InvalidInput, "'" + name + "' is not a certificate of node '" +
                                                 node.name + "' in " + config().source);
      out.push_back(*it);
    }
    return out;
  }

  // The table of `node` as every Kubernetes version kpki knows has it: a file being renewed may
  // carry the identity of any of them (a tree being moved from one version to another), while the
  // new certificate always takes the chosen version's. Nothing of the old file is re-signed, so
  // accepting an older version's identity grants nothing.
  std::vector<std::vector<LeafSpec>> version_tables(const NodeConfig& node) const {
    std::vector<std::vector<LeafSpec>> out;
    for (const KubeadmVersionRow& row : kubeadm_version_rows()) {
      ClusterConfig at = config();
      at.kubernetes_version = row.since;
      at.kubelet_local_mode_gate = -1;
      out.push_back(leaf_specs(at, node));
    }
    return out;
  }

  // Whether `cert` carries the identity some version gives the leaf `spec` names.
  bool identity_of_some_version(const Certificate& cert, const LeafSpec& spec) const {
    for (const auto& table : tables_) {
      for (const LeafSpec& s : table) {
        if (s.name == spec.name && identity_mismatch(cert, s).empty()) return true;
      }
    }
    return false;
  }

  // The file must be one this CA issued for this identity: renewing re-signs it with the CA key,
  // so a planted certificate (self-signed, another node's, O=system:masters) must never pass.
  // Returns its serial.
  std::string check(const LeafSpec& spec, const std::string& path) {
    std::string shown = "'" + path + "'";
    ExistingLeaf existing = read_leaf(dir(), spec, keys_);
    if (!existing.problem.empty()) throw Error(ErrorCode::InvalidInput, existing.problem);
    if (!existing.cert) throw Error(ErrorCode::NotFound, shown + ": no certificate");
    const Certificate& old = *existing.cert;
    const Authority& ca = cas_.get(spec.ca);
    if (!signed_by(old, ca.certificate()))
      throw Error(ErrorCode::InvalidInput, shown + " is not signed by CA '" + dir() + "/" +
                                               ca_spec(spec.ca).base_path + ".crt'");
    if (std::string reason = identity_mismatch(old, spec);
        !reason.empty() && !identity_of_some_version(old, spec))
      throw Error(ErrorCode::InvalidInput, shown + ": " + reason);
    moves_ = renew_changes(existing, spec);
    return old.serial_hex();
  }

  const RenewOptions& options_;
  const LeafKeySource& keys_;
  RenewAuthorities cas_;
  bool all_ = false;
  std::vector<std::vector<LeafSpec>> tables_;
  std::string moves_;  // of the file check() last read
};

}  // namespace

std::string renew_changes(const ExistingLeaf& existing, const LeafSpec& spec) {
  std::string out;
  if (existing.cert && existing.cert->subject() != spec.subject)
    out += "; subject " + subject_to_string(existing.cert->subject()) + " -> " +
           subject_to_string(spec.subject);
  if (existing.kubeconfig && existing.kubeconfig->server != spec.server)
    out += "; server " + existing.kubeconfig->server + " -> " + spec.server;
  return out;
}

const NodeConfig& renew_node(const ClusterConfig& config, const std::string& node_dir,
                             const std::string& node_name) {
  std::string name = node_name.empty() ? directory_name(node_dir) : node_name;
  if (const NodeConfig* node = config.find_node(name)) return *node;
  throw Error(ErrorCode::NotFound, config.source + " has no node named '" + name +
                                       "' (for node directory '" + node_dir + "')");
}

Plan plan_renew(const RenewOptions& options, const KeyRegistry& registry,
                const LeafKeySource& keys) {
  return RenewPlanner(options, registry, keys).plan();
}

}  // namespace kpki::kube
