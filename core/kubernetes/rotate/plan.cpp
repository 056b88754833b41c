// plan_rotation: what each phase of a CA rotation does to each file (rotate.h). Nothing is
// written; a file already as the phase wants it is kept, so a phase run again after a crash only
// does what is left.
#include "core/fs/file_io.h"
#include "core/keys/key_registry.h"
#include "core/kubernetes/rotate/provenance.h"
#include "core/kubernetes/rotate/rotate.h"
#include "core/kubernetes/rotate/targets.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/kubernetes/tree/tree_links.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki::kube {

namespace {

class RotationPlanner {
 public:
  RotationPlanner(const ClusterConfig& config, const RotateOptions& options,
                  const KeyRegistry& registry, const LeafKeySource& keys)
      : config_(config),
        options_(options),
        registry_(registry),
        keys_(keys),
        ctx_(read_rotation(config, options, registry)),
        links_(options.out_dir),
        issued_(options.ledger) {}

  Plan plan() {
    const std::string phase = rotation_phase_name(options_.phase);
    plan_.operation = "ca rotate " + options_.ca + " " + phase;
    plan_.root = options_.out_dir;
    const RotationState& s = ctx_.state;
    plan_.ca_keys.push_back({s.ca, redact_key_uri(s.old_key_uri), PlanAction::Keep, ""});
    PlannedKey fresh{s.ca, redact_key_uri(s.new_key_uri), PlanAction::Keep, ""};
    if (!ctx_.new_signer) {
      fresh.action = PlanAction::Create;
      fresh.algorithm = algorithm_name(config_.algorithm);
    }
    plan_.ca_keys.push_back(fresh);
    switch (options_.phase) {
      case RotationPhase::Begin:
        plan_begin();
        break;
      case RotationPhase::Reissue:
        plan_reissue();
        break;
      case RotationPhase::Finish:
        plan_finish();
        break;
      case RotationPhase::None:
        break;
    }
    const std::string record = rotation_state_path(options_.out_dir, s.ca);
    plan_.files.push_back({record, file_exists(record) ? PlanAction::Replace : PlanAction::Create,
                           "rotation record: " + phase + " done", "rotation", "", PlannedKind::Copy,
                           "", false});
    return std::move(plan_);
  }

 private:
  void plan_trust(const std::string& trust_pem, const std::string& what) {
    for (const FileTarget& t : trust_targets(config_, options_, ctx_, trust_pem, what)) {
      links_.refuse(t.entry.path);  // read, then written: not through a link
      plan_.files.push_back(planned(t));
    }
  }

  void plan_begin() {
    const CaSpec& spec = *ctx_.spec;
    PlannedFile cert{ctx_.new_cert_path, PlanAction::Keep,           "", spec.name,
                     spec.name,          PlannedKind::CaCertificate, "", false};
    if (ctx_.new_cert) {
      cert.reason = spec.name + " (new)";
    } else {
      cert.action = file_exists(ctx_.new_cert_path) ? PlanAction::Replace : PlanAction::Create;
      cert.reason = "new " + spec.name + " (" + subject_to_string(spec.subject) + ", " +
                    (config_.root_ca.present() ? "signed by rootCA" : "self-signed") + ", key " +
                    redact_key_uri(ctx_.state.new_key_uri) + ")";
    }
    plan_.files.push_back(cert);
    plan_trust(ctx_.new_cert ? ctx_.bundle_pem() : "", "trust: old + new " + spec.name);
  }

  void plan_reissue() {
    check_rotation_record(config_, options_, ctx_, registry_, issued_);
    for (const RotatedLeaf& leaf : rotated_leaves(config_, options_.out_dir, ctx_.spec->id)) {
      const LeafSpec& spec = leaf.spec;
      if (spec.kind == LeafKind::Kubeconfig) {
        links_.refuse(leaf.node_dir + "/" + spec.path);
      } else {
        links_.refuse(leaf.node_dir + "/" + spec.cert_path());
        links_.refuse(leaf.node_dir + "/" + spec.key_path());
      }
      PlannedFile file = plan_reissued_leaf(leaf, ctx_, keys_);
      if (file.action == PlanAction::Replace) {
        ExistingLeaf existing = read_leaf(leaf.node_dir, leaf.spec, keys_);
        check_reissued_key(file.path, leaf.spec, existing.key->signer->public_key_der(), issued_);
      }
      plan_.files.push_back(std::move(file));
    }
  }

  void plan_finish() {
    const CaSpec& spec = *ctx_.spec;
    // Nothing may still depend on the old CA once trust stops naming it.
    for (const RotatedLeaf& leaf : rotated_leaves(config_, options_.out_dir, spec.id)) {
      PlannedFile file = plan_reissued_leaf(leaf, ctx_, keys_);
      if (file.action == PlanAction::Replace)
        throw Error(ErrorCode::InvalidInput, "'" + file.path + "' is not signed by the new " +
                                                 spec.name + ": finish needs every leaf reissued")
            .with_rotation(spec.name, "reissue");
    }
    const std::string new_pem = ctx_.new_trust_pem();
    plan_trust(new_pem, "trust: new " + spec.name + " only");
    plan_.files.push_back(planned(finish_cert_target(options_, ctx_)));
    for (const FileTarget& t : finish_key_targets(config_, options_, ctx_, registry_))
      plan_.files.push_back(planned(t));
  }

  const ClusterConfig& config_;
  const RotateOptions& options_;
  const KeyRegistry& registry_;
  const LeafKeySource& keys_;
  RotationContext ctx_;
  TreeLinks links_;
  IssuedKeys issued_;
  Plan plan_;
};

}  // namespace

Plan plan_rotation(const ClusterConfig& config, const RotateOptions& options,
                   const KeyRegistry& registry, const LeafKeySource& keys) {
  return RotationPlanner(config, options, registry, keys).plan();
}

}  // namespace kpki::kube
