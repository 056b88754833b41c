// apply_renew: exactly the leaves a renew plan lists as Replace get a new key and certificate
// (renew.h).
#include <algorithm>
#include <optional>

#include "core/kubernetes/plan/plan_output.h"
#include "core/kubernetes/renew/authorities.h"
#include "core/kubernetes/renew/renew.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/kubernetes/tree/tree_version.h"
#include "core/util/error.h"
#include "core/util/run_concurrently.h"

namespace kpki::kube {

namespace {

class RenewApply {
 public:
  RenewApply(const RenewOptions& options, const KeyRegistry& registry, const LeafKeySource& keys)
      : options_(options), registry_(registry), keys_(keys), cas_(options, registry) {}

  Plan apply(const Plan& plan) {
    const NodeConfig& node = renew_node(config(), dir(), options_.node_name);
    std::vector<LeafSpec> table = leaf_specs(config(), node);
    Plan report = plan_header(plan);
    report.ca_keys = plan.ca_keys;
    std::vector<Renewal> renewals;
    for (const PlannedFile& file : plan.files) {
      if (file.action != PlanAction::Replace) continue;
      auto it = std::find_if(table.begin(), table.end(),
                             [&](const LeafSpec& s) { return s.name == file.spec; });
      if (it == table.end())
        throw Error(ErrorCode::InvalidInput, "'" + file.path + "': no leaf " + file.spec);
      ExistingLeaf existing = read_leaf(dir(), *it, keys_);
      if (!existing.cert) throw Error(ErrorCode::NotFound, "'" + file.path + "': no certificate");
      renewals.push_back({&*it, existing.cert->serial_hex(), renew_changes(existing, *it), {}, {}});
      cas_.get(it->ca);  // opened here, once: the signing below runs on several threads
    }
    // Every new key first, on every core; then every certificate, many at once (a token's
    // signature may be a network round trip); then each leaf is replaced in plan order, so a
    // failure to sign leaves every file as it was. The identity is the table's (the old file's,
    // or, for a tree being moved to another Kubernetes version, another version's: checked when
    // planning).
    std::vector<LeafKey> keys = generate_leaf_keys(
        keys_, std::vector<Algorithm>(renewals.size(), config().algorithm), options_.leaf_keys);
    const size_t threads = signing_threads(config(), registry_, options_.ca_key_options);
    run_concurrently(renewals.size(), threads, [&](size_t i) {
      Renewal& r = renewals[i];
      r.key = std::move(keys[i]);
      r.issued = cas_.get(r.spec->ca)
                     .issue(leaf_request(*r.spec, *r.key.signer, config().certificate_validity));
    });
    size_t next = 0;
    for (const PlannedFile& file : plan.files) {
      PlannedFile done = file;
      if (file.action == PlanAction::Replace) done.reason = replace(renewals[next++]);
      report.files.push_back(std::move(done));
    }
    // The tree follows the version it was renewed as from now on (tree/tree_version.h).
    if (!plan.previous_kubernetes_version.empty()) {
      if (auto root = tree_root(dir()))
        record_tree_kubernetes_version(*root, config().kubernetes_version);
    }
    return report;
  }

 private:
  struct Renewal {
    const LeafSpec* spec;
    std::string old_serial;
    std::string changes;  // what a move to another Kubernetes version changes, or ""
    LeafKey key;
    std::optional<Issued> issued;
  };

  const std::string& dir() const { return options_.node_dir; }
  const ClusterConfig& config() const { return options_.config; }

  // Replaces the leaf with its new key and certificate; returns "serial OLD -> NEW".
  std::string replace(const Renewal& r) {
    CreatedFiles created;
    write_leaf(dir(), *r.spec, *r.issued, r.key, cas_.files(r.spec->ca), config().cluster_name,
               Overwrite::Yes, created);
    created.commit();
    return "serial " + r.old_serial + " -> " + r.issued->certificate.serial_hex() + r.changes;
  }

  const RenewOptions& options_;
  const KeyRegistry& registry_;
  const LeafKeySource& keys_;
  RenewAuthorities cas_;
};

}  // namespace

Plan apply_renew(const Plan& plan, const RenewOptions& options, const KeyRegistry& registry,
                 const LeafKeySource& keys) {
  return RenewApply(options, registry, keys).apply(plan);
}

Plan renew_certificates(const RenewOptions& options, const KeyRegistry& registry,
                        const LeafKeySource& keys, std::ostream& log) {
  Plan report = apply_renew(plan_renew(options, registry, keys), options, registry, keys);
  log << render_renew_text(report);
  return report;
}

}  // namespace kpki::kube
