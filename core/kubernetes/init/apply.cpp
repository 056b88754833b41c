// apply_init: executes a plan_init plan -- CA keys and certificates, the service-account key,
// then every node's copies and leaves -- and reports each file as it was handled.
#include <algorithm>
#include <filesystem>
#include <optional>

#include "core/issue/file_group.h"
#include "core/kubernetes/init/group_sizes.h"
#include "core/kubernetes/init/init.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/plan/plan_output.h"
#include "core/kubernetes/tree/cluster_cas.h"
#include "core/kubernetes/tree/issued_keys.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/kubernetes/tree/leaf_key_pool.h"
#include "core/kubernetes/tree/node_copies.h"
#include "core/kubernetes/tree/tree_links.h"
#include "core/kubernetes/tree/tree_version.h"
#include "core/util/error.h"
#include "core/util/interruption.h"
#include "core/util/run_concurrently.h"
#include "core/x509/public_key.h"

namespace kpki::kube {

namespace {

struct PendingLeaf {
  std::string node_dir;
  LeafSpec spec;
  bool replace;
  LeafKey key;            // kept from disk, or generated in issue_pending()
  bool key_kept = false;  // the former
};

struct IssuedLeaf {
  const PendingLeaf* leaf;
  Issued issued;
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
      : plan_(plan),
        config_(config),
        options_(options),
        registry_(registry),
        keys_(keys),
        links_(options.out_dir),
        issued_(options.ledger) {}

  Plan run() {
    if (plan_.has_mismatch()) {
      throw Error(ErrorCode::AlreadyExists, std::to_string(plan_.counts().mismatched) +
                                                " file(s) no longer match " + config_.source);
    }
    report_ = plan_header(plan_);
    report_.files.reserve(plan_.files.size());
    keys_to_make_ = static_cast<size_t>(
        std::count_if(plan_.files.begin(), plan_.files.end(), [](const PlannedFile& file) {
          return file.kind == PlannedKind::Leaf && writes(file.action) && !file.keep_key;
        }));
    leaves_left_ = static_cast<size_t>(
        std::count_if(plan_.files.begin(), plan_.files.end(), [](const PlannedFile& file) {
          return file.kind == PlannedKind::Leaf && writes(file.action);
        }));
    if (usable_cpus() > 1) keys_ahead_.start(keys_to_make_);  // beside the CAs and the ledger
    const std::string& out = options_.out_dir;
    // A signal stops the run at the next of these checks, like an error: what it made goes.
    throw_if_interrupted();
    make_directories(out + "/pki/etcd", 0700, &created_);
    // The version first: a run killed midway leaves files that a re-run reads as made for the
    // same version (a tree without a record is taken for one made before versions were kept).
    record_tree_kubernetes_version(out, config_.kubernetes_version, &created_);
    cas_ = apply_cluster_cas(config_, plan_, out, registry_, options_.ca_key_options,
                             options_.recorder, options_.root_recorder, report_, created_);
    for (size_t i = 0; i < cas_.size(); ++i) {
      sources_.ca_cert_pems[i] = cas_[i].files.trust_pem;
      sources_.ca_key_is_file[i] = !cas_[i].key_file.empty();
      if (!cas_[i].key_file.empty()) sources_.ca_key_pems[i] = read_text_file(cas_[i].key_file);
    }
    for (const PlannedFile& file : plan_.files) {
      throw_if_interrupted();
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
    issue_pending(true);
    // The batches made the directories they wrote into (on their own thread: 3,000 mkdirs in a
    // 1,000-node tree); this only finds them there, and makes any a node got no file in.
    for (const NodeConfig& node : config_.nodes) {
      std::string node_dir = node_directory(node.name);
      make_directories(node_dir + (node.control_plane() ? "/pki/etcd" : "/pki"), 0700, &created_);
      make_directories(node_dir + "/kubelet", 0700, &created_);
    }
    throw_if_interrupted();  // the last moment the run can still be undone
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
    if (!last_node_ || last_node_->name != file.node) last_node_ = config_.find_node(file.node);
    if (last_node_) return *last_node_;
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
      batch_.add(file.path, copy.content, copy.mode, overwrite_for(file.action));
      if (batch_.size() >= kCopiesPerGroup) batch_.write_behind(&created_);
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
    if (specs_node_ != node.name) {  // the plan lists a node's leaves together
      specs_ = leaf_specs(config_, node);
      specs_node_ = node.name;
    }
    auto it = std::find_if(specs_.begin(), specs_.end(),
                           [&](const LeafSpec& s) { return s.name == file.spec; });
    if (it == specs_.end())
      throw Error(ErrorCode::InvalidInput, "'" + file.path + "': no leaf " + file.spec);
    std::string node_dir = node_directory(node.name);
    PendingLeaf pending{node_dir, *it, file.action == PlanAction::Replace, {}};
    if (file.keep_key) {
      // The key is read again: it must still be what the plan decided to certify.
      links_.refuse(node_dir + "/" + it->key_path());
      ExistingLeaf existing = read_leaf(node_dir, *it, keys_);
      if (!existing.key) throw Error(ErrorCode::NotFound, "'" + file.path + "': its key is gone");
      if (!file.adopt_key && !issued_.issued_for(file.path, existing.key->signer->public_key_der()))
        throw Error(ErrorCode::InvalidInput,
                    "'" + file.path + "': its key changed since the plan was made");
      pending.key = std::move(*existing.key);
      pending.key_kept = true;
    }
    pending_.push_back(std::move(pending));
    if (pending_.size() >= group_size(groups_issued_, leaves_left_)) issue_pending();
  }

  // The pending leaves as one group: keys made and certificates issued on every core at once
  // (key generation, RSA especially, dominates a run), then the group's files written in one
  // batch behind the copies planned before them (a batch renames in order, so a node's CA files
  // never trail its leaves), and the group dropped.
  // A group's files are installed behind the next group's keys and signatures (FileBatch::
  // write_behind: the install mostly waits for the disk); the last one is waited for.
  void issue_pending(bool last = false) {
    if (!pending_.empty()) {
      leaves_left_ -= std::min(leaves_left_, pending_.size());
      ++groups_issued_;
      add_group_files(issue_group());
    }
    pending_.clear();  // before the next group is issued: the batch owns copies of its files
    if (last)
      batch_.write(&created_);
    else
      batch_.write_behind(&created_);
  }

  // The group's new keys: made ahead, else on every core (progress over the whole run).
  void generate_group_keys() {
    std::vector<size_t> fresh;  // the leaves without a key kept from disk
    for (size_t i = 0; i < pending_.size(); ++i)
      if (!pending_[i].key.signer) fresh.push_back(i);
    if (fresh.empty()) return;
    LeafKeyPoolOptions pool = options_.leaf_keys;
    if (options_.leaf_keys.progress) {
      pool.progress = [this](size_t done, size_t) {
        options_.leaf_keys.progress(keys_made_ + done, keys_to_make_);
      };
    }
    std::vector<LeafKey> made = keys_ahead_.make(fresh.size(), pool);
    for (size_t j = 0; j < fresh.size(); ++j) pending_[fresh[j]].key = std::move(made[j]);
    keys_made_ += fresh.size();
  }

  // Many at once when a CA key is on a token: its signature may be a network round trip
  // (signing_threads). Keys in files sign on the CPUs, and more threads than those only cost
  // their creation, once a group (16 of them in every group of a 1,000-node tree).
  std::vector<IssuedLeaf> issue_group() {
    generate_group_keys();
    const size_t end = pending_.size();
    std::vector<std::optional<Issued>> certs(end);
    run_concurrently(end, signing_threads_, [&](size_t i) {
      PendingLeaf& leaf = pending_[i];
      const ClusterCa& ca = cas_[static_cast<size_t>(leaf.spec.ca)];
      certs[i] = ca.authority->issue(
          leaf_request(leaf.spec, *leaf.key.signer, config_.certificate_validity));
    });
    std::vector<IssuedLeaf> group;
    group.reserve(end);
    for (size_t i = 0; i < end; ++i) group.push_back({&pending_[i], std::move(*certs[i])});
    return group;
  }

  // Every file of a group of issued leaves, to be written durably in one batch
  // (core/issue/file_group.h). Each certificate file carries its record ticket: the batch has the
  // group's records stored before it renames any of them into place.
  void add_group_files(const std::vector<IssuedLeaf>& group) {
    for (const IssuedLeaf& issued : group) {
      const PendingLeaf& leaf = *issued.leaf;
      add_leaf_files(batch_, leaf.node_dir, leaf.spec, issued.issued, leaf.key,
                     cas_[static_cast<size_t>(leaf.spec.ca)].files, config_.cluster_name,
                     leaf.replace ? Overwrite::Yes : Overwrite::No,
                     leaf.key_kept ? LeafKeyOrigin::MaybeOnDisk : LeafKeyOrigin::New);
    }
  }

  const Plan& plan_;
  const ClusterConfig& config_;
  const InitOptions& options_;
  const KeyRegistry& registry_;
  const LeafKeySource& keys_;
  TreeLinks links_;
  IssuedKeys issued_;
  Plan report_;
  CreatedFiles created_;
  std::array<ClusterCa, 3> cas_;
  CopySources sources_;
  mutable const NodeConfig* last_node_ = nullptr;  // node_of's last: the plan groups a node's files
  std::string specs_node_;                         // the node whose leaf specs specs_ holds
  std::vector<LeafSpec> specs_;
  std::vector<PendingLeaf> pending_;  // at most one group
  FileBatch batch_;                   // files written together: copies, then a group's leaves
  LeafKeysAhead keys_ahead_{keys_, config_.algorithm};
  size_t keys_to_make_ = 0, keys_made_ = 0;     // new leaf keys in the whole run (progress), made
  size_t leaves_left_ = 0, groups_issued_ = 0;  // leaves to issue before the pending group
  // Where the CA keys are does not change during a run: decided once, not per group.
  const size_t signing_threads_ = signing_threads(config_, registry_, options_.ca_key_options);
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
