// apply_renew: exactly the leaves a renew plan lists as Replace get a new key and certificate
// (renew.h).
#include <algorithm>

#include "core/kubernetes/plan/plan_output.h"
#include "core/kubernetes/renew/authorities.h"
#include "core/kubernetes/renew/renew.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/util/error.h"

namespace kpki::kube {

namespace {

class RenewApply {
 public:
  RenewApply(const RenewOptions& options, const KeyRegistry& registry, const LeafKeySource& keys)
      : options_(options), keys_(keys), cas_(options, registry) {}

  Plan apply(const Plan& plan) {
    const NodeConfig& node = renew_node(config(), dir(), options_.node_name);
    std::vector<LeafSpec> table = leaf_specs(config(), node);
    Plan report{plan.operation, plan.root, plan.ca_keys, {}};
    size_t replaced = static_cast<size_t>(
        std::count_if(plan.files.begin(), plan.files.end(),
                      [](const PlannedFile& f) { return f.action == PlanAction::Replace; }));
    // Every new key first, on every core; then each leaf is signed and replaced in plan order.
    std::vector<LeafKey> keys = generate_leaf_keys(
        keys_, std::vector<Algorithm>(replaced, config().algorithm), options_.leaf_keys);
    size_t next_key = 0;
    for (const PlannedFile& file : plan.files) {
      PlannedFile done = file;
      if (file.action == PlanAction::Replace) {
        auto it = std::find_if(table.begin(), table.end(),
                               [&](const LeafSpec& s) { return s.name == file.spec; });
        if (it == table.end())
          throw Error(ErrorCode::InvalidInput, "'" + file.path + "': no leaf " + file.spec);
        done.reason = renew(*it, file.path, keys[next_key++]);
      }
      report.files.push_back(std::move(done));
    }
    return report;
  }

 private:
  const std::string& dir() const { return options_.node_dir; }
  const ClusterConfig& config() const { return options_.config; }

  // Replaces the leaf with `key` and a new certificate; returns "serial OLD -> NEW".
  std::string renew(const LeafSpec& spec, const std::string& path, const LeafKey& key) {
    ExistingLeaf existing = read_leaf(dir(), spec, keys_);
    if (!existing.cert) throw Error(ErrorCode::NotFound, "'" + path + "': no certificate");
    const Authority& ca = cas_.get(spec.ca);
    // The identity is the table's (checked equal to the old file's when planning).
    Issued issued = ca.issue(leaf_request(spec, *key.signer, config().certificate_validity));
    CreatedFiles created;
    write_leaf(dir(), spec, issued, key, cas_.files(spec.ca), config().cluster_name, Overwrite::Yes,
               created);
    created.commit();
    return "serial " + existing.cert->serial_hex() + " -> " + issued.certificate.serial_hex();
  }

  const RenewOptions& options_;
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
