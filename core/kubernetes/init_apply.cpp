// apply_init: executes a plan_init plan -- CA keys and certificates, the service-account key,
// then every node's copies and leaves -- and reports each file as it was handled.
#include <algorithm>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "core/kubernetes/cert_specs.h"
#include "core/kubernetes/cluster_cas.h"
#include "core/kubernetes/init.h"
#include "core/kubernetes/leaf_files.h"
#include "core/kubernetes/node_copies.h"
#include "core/kubernetes/plan_output.h"
#include "core/public_key.h"

namespace kpki::kube {

namespace {

struct PendingLeaf {
  std::string node_dir;
  LeafSpec spec;
  bool replace;
  LeafKey key;  // kept from disk, or generated in issue_pending()
};

bool writes(PlanAction action) {
  return action == PlanAction::Create || action == PlanAction::Replace;
}

Overwrite overwrite_for(PlanAction action) {
  return action == PlanAction::Replace ? Overwrite::Yes : Overwrite::No;
}

class InitApply {
 public:
  InitApply(const Plan& plan, const ClusterConfig& config, const InitOptions& options,
            const KeyRegistry& registry, const LeafKeySource& keys)
      : plan_(plan), config_(config), options_(options), registry_(registry), keys_(keys) {}

  Plan run() {
    if (plan_.has_mismatch()) {
      throw Error(ErrorCode::AlreadyExists, std::to_string(plan_.counts().mismatched) +
                                                " file(s) no longer match " + config_.source);
    }
    report_.operation = plan_.operation;
    report_.root = plan_.root;
    const std::string& out = options_.out_dir;
    make_directories(out + "/pki/etcd", 0700, &created_);
    cas_ = apply_cluster_cas(config_, plan_, out, registry_, options_.ca_key_options, report_,
                             created_);
    for (size_t i = 0; i < cas_.size(); ++i) {
      sources_.ca_cert_pems[i] = cas_[i].authority->certificate().pem();
      sources_.ca_key_is_file[i] = !cas_[i].key_file.empty();
      if (!cas_[i].key_file.empty()) sources_.ca_key_pems[i] = read_text_file(cas_[i].key_file);
    }
    for (const NodeConfig& node : config_.nodes) {
      std::string node_dir = node_directory(node.name);
      make_directories(node_dir + (node.control_plane() ? "/pki/etcd" : "/pki"), 0700, &created_);
      make_directories(node_dir + "/kubelet", 0700, &created_);
    }
    for (const PlannedFile& file : plan_.files) {
      switch (file.kind) {
        case PlannedKind::CaCertificate:
          continue;  // apply_cluster_cas reported it
        case PlannedKind::ServiceAccountKey:
          service_account_key(file);
          break;
        case PlannedKind::Copy:
          copy(file);
          break;
        case PlannedKind::Leaf:
          leaf(file);
          break;
      }
      report_.files.push_back(file);
    }
    issue_pending();
    created_.commit();
    for (const std::string& path : stale_) {
      std::filesystem::remove(path);
      sync_parent_directory(path);
    }
    return std::move(report_);
  }

 private:
  std::string node_directory(const std::string& name) const {
    return options_.out_dir + "/nodes/" + name;
  }

  const NodeConfig& node_of(const PlannedFile& file) const {
    if (const NodeConfig* node = config_.find_node(file.node)) return *node;
    throw Error(ErrorCode::InvalidInput, "'" + file.path + "': the plan names node '" + file.node +
                                             "', which " + config_.source + " lacks");
  }

  // Comes before every copy in the plan: the copies of sa.key / sa.pub need it.
  void service_account_key(const PlannedFile& file) {
    LeafKey key;
    if (file.action == PlanAction::Keep) {
      key = keys_.from_pem(read_text_file(file.path), file.path);
    } else {
      key = keys_.generate(service_account_algorithm(config_.algorithm));
      write_new_or_replace(file.path, key.pem.reveal(), 0600, overwrite_for(file.action), created_);
    }
    sources_.sa_key_pem = key.pem.reveal();
    sources_.sa_pub_pem = public_key_pem(key.signer->public_key_der());
  }

  void copy(const PlannedFile& file) {
    if (!writes(file.action)) return;
    for (const CopiedFile& copy : copies_for(node_of(file), sources_)) {
      if (copy.rel != file.spec) continue;
      write_new_or_replace(file.path, copy.content, copy.mode, overwrite_for(file.action),
                           created_);
      return;
    }
    throw Error(ErrorCode::InvalidInput, "'" + file.path + "': no such copy for its node");
  }

  void leaf(const PlannedFile& file) {
    if (file.action == PlanAction::Remove) {
      stale_.push_back(file.path);
      return;
    }
    if (!writes(file.action)) return;
    const NodeConfig& node = node_of(file);
    std::vector<LeafSpec>& specs = specs_[node.name];
    if (specs.empty()) specs = leaf_specs(config_, node);
    auto it = std::find_if(specs.begin(), specs.end(),
                           [&](const LeafSpec& s) { return s.name == file.spec; });
    if (it == specs.end())
      throw Error(ErrorCode::InvalidInput, "'" + file.path + "': no leaf " + file.spec);
    std::string node_dir = node_directory(node.name);
    PendingLeaf pending{node_dir, *it, file.action == PlanAction::Replace, {}};
    if (file.keep_key) {
      ExistingLeaf existing = read_leaf(node_dir, *it, keys_);
      if (!existing.key) throw Error(ErrorCode::NotFound, "'" + file.path + "': its key is gone");
      pending.key = std::move(*existing.key);
    }
    pending_.push_back(std::move(pending));
  }

  // Key generation (RSA especially) dominates a run: new leaf keys are made on every core at
  // once, then each CA, built once, signs them in order.
  void issue_pending() {
    std::vector<size_t> fresh;  // the leaves without a key kept from disk
    for (size_t i = 0; i < pending_.size(); ++i)
      if (!pending_[i].key.signer) fresh.push_back(i);
    std::vector<LeafKey> made = generate_leaf_keys(
        keys_, std::vector<Algorithm>(fresh.size(), config_.algorithm), options_.leaf_keys);
    for (size_t j = 0; j < fresh.size(); ++j) pending_[fresh[j]].key = std::move(made[j]);
    for (const PendingLeaf& leaf : pending_) {
      const ClusterCa& ca = cas_[static_cast<size_t>(leaf.spec.ca)];
      Certificate cert = ca.authority->issue(
          leaf_request(leaf.spec, *leaf.key.signer, config_.certificate_validity));
      write_leaf(leaf.node_dir, leaf.spec, cert, leaf.key, ca.authority->certificate(),
                 config_.cluster_name, leaf.replace ? Overwrite::Yes : Overwrite::No, created_);
    }
  }

  const Plan& plan_;
  const ClusterConfig& config_;
  const InitOptions& options_;
  const KeyRegistry& registry_;
  const LeafKeySource& keys_;
  Plan report_;
  CreatedFiles created_;
  std::array<ClusterCa, 3> cas_;
  CopySources sources_;
  std::map<std::string, std::vector<LeafSpec>> specs_;
  std::vector<PendingLeaf> pending_;
  std::vector<std::string> stale_;  // removed once the run has succeeded
};

}  // namespace

Plan apply_init(const Plan& plan, const ClusterConfig& config, const InitOptions& options,
                const KeyRegistry& registry, const LeafKeySource& keys) {
  return InitApply(plan, config, options, registry, keys).run();
}

PlanCounts run_init(const ClusterConfig& config, const InitOptions& options,
                    const KeyRegistry& registry, const LeafKeySource& keys, std::ostream& log) {
  Plan plan = plan_init(config, options, registry, keys);
  log << render_plan_text(plan, options.dry_run);
  if (options.dry_run) return plan.counts();
  return apply_init(plan, config, options, registry, keys).counts();
}

}  // namespace kpki::kube
