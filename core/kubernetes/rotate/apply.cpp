// apply_rotation: executes a plan_rotation plan. Every file is written atomically; the rotation
// record advances only once all of them are, so a phase killed at any moment is completed by
// running it again (its plan then keeps what is done and does the rest).
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include "core/fs/file_io.h"
#include "core/issue/authority.h"
#include "core/issue/file_group.h"
#include "core/keys/key_capabilities.h"
#include "core/kubernetes/rotate/provenance.h"
#include "core/kubernetes/rotate/rotate.h"
#include "core/kubernetes/rotate/targets.h"
#include "core/kubernetes/tree/cluster_cas.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/kubernetes/tree/leaf_key_pool.h"
#include "core/util/error.h"
#include "core/util/run_concurrently.h"

namespace kpki::kube {

namespace {

class RotationApply {
 public:
  RotationApply(const Plan& plan, const ClusterConfig& config, const RotateOptions& options,
                const KeyRegistry& registry, const LeafKeySource& keys)
      : plan_(plan),
        config_(config),
        options_(options),
        registry_(registry),
        keys_(keys),
        ctx_(read_rotation(config, options, registry)),
        issued_(options.ledger) {}

  Plan run() {
    report_ = {plan_.operation, plan_.root, plan_.ca_keys, {}};
    switch (options_.phase) {
      case RotationPhase::Begin:
        begin();
        break;
      case RotationPhase::Reissue:
        reissue();
        break;
      case RotationPhase::Finish: {
        // Keys first: the old key is saved before anything replaces it.
        std::vector<FileTarget> targets = finish_key_targets(config_, options_, ctx_, registry_);
        targets.push_back(finish_cert_target(options_, ctx_));
        for (FileTarget& t : trust_targets(config_, options_, ctx_, ctx_.new_trust_pem(), ""))
          targets.push_back(std::move(t));
        write(targets);
        break;
      }
      case RotationPhase::None:
        break;
    }
    RotationState& s = ctx_.state;
    s.done = options_.phase;
    s.running = RotationPhase::None;
    save_rotation_state(options_.out_dir, s);
    // Removals (finish --destroy-old-key) come once the new state is recorded.
    for (const std::string& path : removed_) {
      std::filesystem::remove(path);
      sync_parent_directory(path);
    }
    // The report lists the plan's files in its order, re-signed leaves with their serials.
    for (const PlannedFile& file : plan_.files) {
      auto it = done_.find(file.path);
      report_.files.push_back(it == done_.end() ? file : it->second);
    }
    return std::move(report_);
  }

 private:
  const PlannedFile* planned_entry(const std::string& path) const {
    auto it = std::find_if(plan_.files.begin(), plan_.files.end(),
                           [&](const PlannedFile& f) { return f.path == path; });
    return it == plan_.files.end() ? nullptr : &*it;
  }

  static bool writes(PlanAction action) {
    return action == PlanAction::Create || action == PlanAction::Replace;
  }

  // Writes each target the plan creates or replaces (exactly those), in order. A CA certificate
  // and its key file beside it (a node's pki/ca.crt and pki/ca.key at finish) land together, as
  // a leaf's pair does (core/issue/file_group.h): a kill must not leave the new one beside the old.
  void write(const std::vector<FileTarget>& targets) {
    std::vector<const FileTarget*> todo;
    for (const FileTarget& target : targets) {
      const PlannedFile* entry = planned_entry(target.entry.path);
      if (!entry) continue;
      if (entry->action == PlanAction::Remove) removed_.push_back(entry->path);
      if (!writes(entry->action)) continue;
      if (target.content.empty())
        throw Error(ErrorCode::InvalidInput, "'" + entry->path + "': nothing to write");
      // A bare file name (--out-config new.yaml) goes in the current directory.
      const std::string dir = std::filesystem::path(entry->path).parent_path().string();
      if (!dir.empty()) make_directories(dir, 0700);
      todo.push_back(&target);
    }
    // "X.crt" <-> "X.key"; "" for any other file.
    auto partner = [](const std::string& path) -> std::string {
      std::string stem = path.substr(0, path.rfind('.'));
      if (path == stem + ".crt") return stem + ".key";
      if (path == stem + ".key") return stem + ".crt";
      return "";
    };
    std::vector<bool> done(todo.size());
    for (size_t i = 0; i < todo.size(); ++i) {
      if (done[i]) continue;
      done[i] = true;
      std::vector<FileWrite> group{
          {todo[i]->entry.path, as_bytes(todo[i]->content), todo[i]->mode, Overwrite::Yes}};
      std::string other = partner(todo[i]->entry.path);
      for (size_t j = i + 1; j < todo.size() && !other.empty(); ++j) {
        if (done[j] || todo[j]->entry.path != other) continue;
        done[j] = true;
        FileWrite w{other, as_bytes(todo[j]->content), todo[j]->mode, Overwrite::Yes};
        // The key first, as write_leaf does (the harness recognises that order).
        if (other.back() == 'y')
          group.insert(group.begin(), w);
        else
          group.push_back(w);
      }
      write_files_together(group);
    }
  }

  void begin() {
    RotationState& s = ctx_.state;
    if (!ctx_.state_saved) {
      // Recorded before anything else exists, so a run killed after making the key (or only the
      // directory) finds this rotation again instead of starting the next one.
      s.running = RotationPhase::Begin;
      save_rotation_state(options_.out_dir, s);
    }
    make_directories(rotation_files_dir(options_.out_dir, s), 0700);
    std::shared_ptr<const Signer> signer = ctx_.new_signer;
    if (!signer) {
      // A begin killed while a token made the key can leave half the pair at the new URI. The
      // URI was free when this rotation recorded it (start_rotation), so what is there is that
      // run's own, and it goes before the key is made again.
      if (ctx_.resumed_begin()) {
        if (auto* recovery = registry_.find_capability<PartialKeyRecovery>(s.new_key_uri))
          recovery->remove_partial_key(s.new_key_uri, options_.ca_key_options);
      }
      KeyManager& manager = registry_.manager_for(s.new_key_uri);
      signer = manager.generate(s.new_key_uri, config_.algorithm, options_.ca_key_options);
    }
    if (!ctx_.new_cert) {
      Issued issued =
          config_.root_ca.present()
              ? issue_intermediate_ca(config_, *ctx_.spec, *signer,
                                      open_root_ca(config_, registry_, options_.ca_key_options,
                                                   options_.root_recorder))
              : self_sign_ca(config_, *ctx_.spec, *signer, new_ca_options());
      write_recorded_file(ctx_.new_cert_path, issued.certificate.pem(), 0644, Overwrite::Yes,
                          issued.record);
      ctx_.new_cert = std::move(issued.certificate);
    }
    s.new_cert_pem = ctx_.new_cert->pem();
    write(trust_targets(config_, options_, ctx_, ctx_.bundle_pem(), ""));
  }

  void reissue() {
    // Checked again here: the files may have changed since the plan was made.
    check_rotation_record(config_, options_, ctx_, registry_, issued_);
    Authority ca(Certificate::from_der(ctx_.new_cert->der(), ctx_.new_cert_path), ctx_.new_signer,
                 new_ca_options());
    // Every leaf checked first, then every certificate signed, many at once (a token's signature
    // may be a network round trip), then each written in order.
    std::vector<Reissue> todo;
    for (const RotatedLeaf& leaf : rotated_leaves(config_, options_.out_dir, ctx_.spec->id)) {
      const LeafSpec& spec = leaf.spec;
      bool kubeconfig = spec.kind == LeafKind::Kubeconfig;
      std::string path = leaf.node_dir + "/" + (kubeconfig ? spec.path : spec.cert_path());
      const PlannedFile* entry = planned_entry(path);
      if (!entry || entry->action != PlanAction::Replace) continue;
      ExistingLeaf existing = read_leaf(leaf.node_dir, spec, keys_);
      if (!existing.cert || !existing.key)
        throw Error(ErrorCode::NotFound, "'" + path + "': certificate or key is gone");
      check_reissued_key(path, spec, existing.key->signer->public_key_der(), issued_);
      todo.push_back({leaf, path, entry, std::move(existing), {}});
    }
    const size_t threads = signing_threads(config_, registry_, options_.ca_key_options);
    run_concurrently(todo.size(), threads, [&](size_t i) {
      Reissue& r = todo[i];
      r.issued = ca.issue(
          leaf_request(r.leaf.spec, *r.existing.key->signer, config_.certificate_validity));
    });
    for (const Reissue& r : todo) write_reissued(r);
  }

  struct Reissue {
    RotatedLeaf leaf;
    std::string path;
    const PlannedFile* entry;
    ExistingLeaf existing;
    std::optional<Issued> issued;
  };

  void write_reissued(const Reissue& r) {
    const LeafSpec& spec = r.leaf.spec;
    const Certificate& cert = r.issued->certificate;
    PlannedFile done = *r.entry;
    done.reason = "serial " + r.existing.cert->serial_hex() + " -> " + cert.serial_hex();
    if (spec.kind == LeafKind::Kubeconfig) {
      Kubeconfig kc{config_.cluster_name,
                    spec.server,
                    spec.subject.common_name,
                    ctx_.bundle_pem(),
                    cert.pem() + ctx_.new_leaf_chain_pem(),
                    r.existing.key->pem.reveal()};
      Secret text(render_kubeconfig(kc));
      write_recorded_file(r.path, text.reveal(), 0600, Overwrite::Yes, r.issued->record);
    } else {
      CreatedFiles created;
      write_leaf(r.leaf.node_dir, spec, *r.issued, *r.existing.key,
                 CaFiles{ctx_.bundle_pem(), ctx_.new_leaf_chain_pem()}, config_.cluster_name,
                 Overwrite::Yes, created);
      created.commit();
    }
    done_[r.path] = std::move(done);
  }

  // The new CA's authority: the table's policy, its key's URI, the run's recorder.
  AuthorityOptions new_ca_options() const {
    return cluster_ca_options(ctx_.state.new_key_uri, options_.recorder, ctx_.new_cert_path,
                              registry_.scheme_of(ctx_.state.new_key_uri));
  }

  const Plan& plan_;
  const ClusterConfig& config_;
  const RotateOptions& options_;
  const KeyRegistry& registry_;
  const LeafKeySource& keys_;
  RotationContext ctx_;
  IssuedKeys issued_;
  Plan report_;
  std::vector<std::string> removed_;
  std::map<std::string, PlannedFile> done_;  // re-signed leaves, reported with serials
};

}  // namespace

Plan apply_rotation(const Plan& plan, const ClusterConfig& config, const RotateOptions& options,
                    const KeyRegistry& registry, const LeafKeySource& keys) {
  return RotationApply(plan, config, options, registry, keys).run();
}

}  // namespace kpki::kube
