// plan_init: what `kpki init` will do to each file, from the config and what is on disk.
#include <algorithm>

#include "core/kubernetes/init/init.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/rotate/rotate.h"
#include "core/kubernetes/tree/cluster_cas.h"
#include "core/kubernetes/tree/issued_keys.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/kubernetes/tree/node_copies.h"
#include "core/kubernetes/tree/tree_links.h"
#include "core/kubernetes/tree/tree_version.h"
#include "core/util/error.h"
#include "core/x509/public_key.h"

namespace kpki::kube {

namespace {

class InitPlanner {
 public:
  InitPlanner(const ClusterConfig& config, const InitOptions& options, const KeyRegistry& registry,
              const LeafKeySource& keys)
      : config_(config),
        options_(options),
        registry_(registry),
        keys_(keys),
        links_(options.out_dir),
        issued_(options.ledger) {}

  Plan plan() {
    plan_.operation = "init";
    refuse_during_rotation(options_.out_dir, "init");  // it would undo the trust files
    refuse_rotated_out_keys(config_, options_.out_dir, registry_);
    plan_.root = options_.out_dir;
    plan_.kubernetes_version = config_.kubernetes_version.text();
    if (auto tree = tree_kubernetes_version(options_.out_dir);
        tree && !(*tree == config_.kubernetes_version))
      plan_.previous_kubernetes_version = tree->text();
    for (const CaSpec& spec : ca_specs()) {
      links_.refuse(options_.out_dir + "/" + spec.base_path + ".crt");
      // The default key file lies in the tree; a caKeys entry is the user's own choice.
      if (!config_.ca_keys.count(spec.name))
        links_.refuse(ca_key_uri(config_, spec, options_.out_dir));
    }
    std::array<FoundCa, 3> found =
        read_cluster_cas(config_, options_.out_dir, registry_, options_.ca_key_options);
    cas_ = plan_cluster_cas(config_, found, options_.force, plan_);
    for (size_t i = 0; i < cas_.size(); ++i) {
      sources_.ca_key_is_file[i] = !found[i].key_file.empty();
      if (cas_[i].authority) sources_.ca_cert_pems[i] = cas_[i].files.trust_pem;
      // A file key that exists is copied as it is; one still to be generated is not known yet.
      if (found[i].signer && !found[i].key_file.empty())
        sources_.ca_key_pems[i] = read_text_file(found[i].key_file);
    }
    plan_service_account_key();
    for (const auto& node : config_.nodes) plan_node(node);
    return std::move(plan_);
  }

 private:
  void plan_service_account_key() {
    std::string path = config_.service_account_key.empty()
                           ? options_.out_dir + "/" + kServiceAccountKey
                           : config_.service_account_key;
    PlannedFile file{path,
                     PlanAction::Create,
                     "service-account key",
                     "sa.key",
                     "",
                     PlannedKind::ServiceAccountKey,
                     "",
                     false};
    links_.refuse(path);
    if (file_exists(path)) {
      LeafKey key = keys_.from_pem(read_text_file(path), path);
      sources_.sa_key_pem = key.pem.reveal();
      sources_.sa_pub_pem = public_key_pem(key.signer->public_key_der());
      file.action = PlanAction::Keep;
    }
    plan_.files.push_back(std::move(file));
  }

  // Decides Keep / Mismatch / Replace for a file that is present and does not match.
  void present_but_different(PlannedFile& file, const std::string& reason,
                             const std::string& detail) {
    if (options_.force) {
      file.action = PlanAction::Replace;
      file.reason = detail + "  (was: " + reason + ")";
    } else {
      file.action = PlanAction::Mismatch;
      file.reason = reason;
    }
  }

  void plan_copy(const NodeConfig& node, const std::string& node_dir, const CopiedFile& copy) {
    PlannedFile file{node_dir + "/" + copy.rel, PlanAction::Create, copy.detail, copy.rel, "",
                     PlannedKind::Copy,         node.name,          false};
    links_.refuse(file.path);
    bool exists = !links_.absent(file.path) && file_exists(file.path);
    if (exists && !copy.content.empty() && read_text_file(file.path) == copy.content) {
      file.action = PlanAction::Keep;
    } else if (exists) {
      present_but_different(file, copy.detail + " differs from the cluster's", copy.detail);
    }
    plan_.files.push_back(std::move(file));
  }

  void plan_leaf(const NodeConfig& node, const std::string& node_dir, const LeafSpec& spec) {
    const ClusterCa& ca = cas_[static_cast<size_t>(spec.ca)];
    const Certificate* ca_cert = ca.authority ? &ca.authority->certificate() : nullptr;
    std::string path =
        node_dir + "/" + (spec.kind == LeafKind::Kubeconfig ? spec.path : spec.cert_path());
    links_.refuse(path);
    if (spec.kind == LeafKind::Certificate) links_.refuse(node_dir + "/" + spec.key_path());
    // A node directory not there yet holds neither file (a fresh tree: no look at each).
    ExistingLeaf existing = links_.absent(path) ? ExistingLeaf{} : read_leaf(node_dir, spec, keys_);
    std::string detail = subject_to_string(spec.subject) + "  SANs: " + sans_to_string(spec.sans) +
                         "  signer: " + ca.spec->name;
    PlannedFile file{path,          PlanAction::Create, detail,    spec.name,
                     ca.spec->name, PlannedKind::Leaf,  node.name, false};
    // A key without its certificate is kept and certified when kpki issued it for this file (a
    // run killed between the key and the certificate, a certificate deleted to have it made
    // again) or the user adopts it; anything else present is compared.
    if (!existing.cert_present && existing.key && existing.problem.empty()) {
      const std::string key_path = node_dir + "/" + spec.key_path();
      if (issued_.issued_for(path, existing.key->signer->public_key_der())) {
        file.keep_key = true;
      } else if (options_.adopt_keys) {
        file.keep_key = file.adopt_key = true;
        file.reason = detail + "  (adopting key " + key_path + ")";
      } else {
        present_but_different(file,
                              "key '" + key_path + "' is not one kpki issued for this file (" +
                                  issued_.absent() + ")",
                              detail);
        plan_.files.push_back(std::move(file));
        return;
      }
    }
    bool present = existing.cert_present || (existing.key_present && !file.keep_key);
    if (present) {
      std::string reason =
          leaf_mismatch(existing, spec, ca_cert, ca.files.trust_pem, config_.cluster_name);
      if (reason.empty()) {
        file.action = PlanAction::Keep;
        file.reason = spec.name;
      } else {
        present_but_different(file, reason, detail);
      }
    }
    plan_.files.push_back(std::move(file));
  }

  void plan_node(const NodeConfig& node) {
    std::string node_dir = options_.out_dir + "/nodes/" + node.name;
    for (const CopiedFile& copy : copies_for(node, sources_)) plan_copy(node, node_dir, copy);
    std::vector<LeafSpec> leaves = leaf_specs(config_, node);
    for (const LeafSpec& spec : leaves) plan_leaf(node, node_dir, spec);
    plan_super_admin_placement(node, node_dir, leaves);
  }

  // An older kpki wrote super-admin.conf (system:masters) on every control-plane node; kubeadm
  // has it only where `kubeadm init` ran. One the table no longer places is reported, and
  // removed with force (after everything else succeeded).
  void plan_super_admin_placement(const NodeConfig& node, const std::string& node_dir,
                                  const std::vector<LeafSpec>& leaves) {
    const std::string name = "super-admin.conf";
    std::string path = node_dir + "/" + name;
    bool placed = std::any_of(leaves.begin(), leaves.end(),
                              [&](const LeafSpec& spec) { return spec.name == name; });
    if (placed || links_.absent(path) || !file_exists(path)) return;
    links_.refuse(path);
    std::string why = "not written on this node: only on the first control-plane node";
    if (!config_.super_admin_kubeconfig) why = "not written on any node (superAdminKubeconfig)";
    if (!config_.kubeadm().super_admin_conf)
      why = "kubeadm " + config_.kubernetes_version.text() + " writes no super-admin.conf";
    plan_.files.push_back({path, options_.force ? PlanAction::Remove : PlanAction::Mismatch, why,
                           name, ca_spec(CaId::Kubernetes).name, PlannedKind::Leaf, node.name,
                           false});
  }

  const ClusterConfig& config_;
  const InitOptions& options_;
  const KeyRegistry& registry_;
  const LeafKeySource& keys_;
  TreeLinks links_;
  IssuedKeys issued_;
  Plan plan_;
  std::array<ClusterCa, 3> cas_;
  CopySources sources_;
};

}  // namespace

Algorithm service_account_algorithm(Algorithm cluster_algorithm) {
  return cluster_algorithm == Algorithm::Ed25519 ? Algorithm::EcdsaP256 : cluster_algorithm;
}

Plan plan_init(const ClusterConfig& config, const InitOptions& options, const KeyRegistry& registry,
               const LeafKeySource& keys) {
  return InitPlanner(config, options, registry, keys).plan();
}

}  // namespace kpki::kube
