#include "core/kubernetes/renew.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <memory>

#include "core/fs/file_io.h"
#include "core/issue/authority.h"
#include "core/kubernetes/cert_specs.h"
#include "core/kubernetes/cluster_cas.h"
#include "core/kubernetes/leaf_files.h"
#include "core/kubernetes/plan_output.h"
#include "core/kubernetes/rotation_state.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki::kube {

namespace {

std::string directory_name(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return std::filesystem::path(dir).filename().string();
}

// OUT for a node directory OUT/nodes/NAME that init made; "" for any other directory.
std::string tree_of_node_dir(const std::string& node_dir) {
  std::filesystem::path dir = std::filesystem::path(node_dir).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();
  if (dir.parent_path().filename() != "nodes") return "";
  std::string out = dir.parent_path().parent_path().string();
  return out.empty() ? "." : out;
}

class Renewer {
 public:
  Renewer(const RenewOptions& options, const KeyRegistry& registry, const LeafKeySource& keys)
      : options_(options), registry_(registry), keys_(keys) {}

  Plan plan() {
    if (!file_exists(dir()))
      throw Error(ErrorCode::NotFound, "node directory '" + dir() + "' does not exist");
    refuse_renew_during_rotation(dir());  // a renewed leaf would be signed by the old CA
    const NodeConfig& node = renew_node(config(), dir(), options_.node_name);
    Plan plan{"renew", dir(), {}, {}};
    // Every file is checked (and every CA key opened) before the first one is replaced.
    for (const LeafSpec& spec : select(node)) {
      std::string path = dir() + "/" + shown_path(spec);
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
        file.reason = "serial " + check(spec, path) + ": new key and serial";
      }
      plan.files.push_back(std::move(file));
    }
    for (const CaSpec& spec : ca_specs()) {
      if (authorities_[static_cast<size_t>(spec.id)])
        plan.ca_keys.push_back({spec.name, redact_key_uri(key_uri(spec)), PlanAction::Keep, ""});
    }
    return plan;
  }

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

  static std::string shown_path(const LeafSpec& spec) {
    return spec.kind == LeafKind::Kubeconfig ? spec.path : spec.cert_path();
  }

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

  // The caKeys URI; else the tree's default key file (OUT/pki, docs/config.md) for a node
  // directory OUT/nodes/NAME (a worker has no CA key of its own); else the key file beside the CA
  // certificate in the node directory (a node's /etc/kubernetes, or a tree whose OUT/pki key is
  // gone).
  std::string key_uri(const CaSpec& spec) const {
    const std::string own = ca_key_uri(config(), spec, dir());
    const std::string tree = tree_of_node_dir(dir());
    if (config().ca_keys.count(spec.name) || tree.empty()) return own;
    const std::string in_tree = ca_key_uri(config(), spec, tree);
    return file_exists(in_tree) || !file_exists(own) ? in_tree : own;
  }

  const Authority& authority(CaId id) {
    auto& slot = authorities_[static_cast<size_t>(id)];
    if (slot) return *slot;
    const CaSpec& spec = ca_spec(id);
    std::string cert_path = dir() + "/" + spec.base_path + ".crt";
    std::string uri = key_uri(spec);
    if (!config().ca_keys.count(spec.name) && !file_exists(uri)) {
      throw Error(ErrorCode::NotFound, "no key for " + spec.name + ": '" + uri +
                                           "' is absent and " + config().source +
                                           " sets no caKeys." + spec.name);
    }
    std::shared_ptr<const Signer> signer =
        registry_.manager_for(uri).open(uri, options_.ca_key_options);
    slot = std::make_unique<Authority>(
        Certificate::load(cert_path), signer,
        cluster_ca_options(uri, options_.recorder, cert_path, registry_.scheme_of(uri)));
    return *slot;
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
    const Authority& ca = authority(spec.ca);
    if (!signed_by(old, ca.certificate()))
      throw Error(ErrorCode::InvalidInput, shown + " is not signed by CA '" + dir() + "/" +
                                               ca_spec(spec.ca).base_path + ".crt'");
    if (std::string reason = identity_mismatch(old, spec); !reason.empty())
      throw Error(ErrorCode::InvalidInput, shown + ": " + reason);
    return old.serial_hex();
  }

  // Replaces the leaf with `key` and a new certificate; returns "serial OLD -> NEW".
  std::string renew(const LeafSpec& spec, const std::string& path, const LeafKey& key) {
    ExistingLeaf existing = read_leaf(dir(), spec, keys_);
    if (!existing.cert) throw Error(ErrorCode::NotFound, "'" + path + "': no certificate");
    const Authority& ca = authority(spec.ca);
    // The identity is the table's (checked equal to the old file's when planning).
    Issued issued = ca.issue(leaf_request(spec, *key.signer, config().certificate_validity));
    CreatedFiles created;
    write_leaf(dir(), spec, issued, key, ca.certificate(), config().cluster_name, Overwrite::Yes,
               created);
    created.commit();
    return "serial " + existing.cert->serial_hex() + " -> " + issued.certificate.serial_hex();
  }

  const RenewOptions& options_;
  const KeyRegistry& registry_;
  const LeafKeySource& keys_;
  bool all_ = false;
  std::array<std::unique_ptr<Authority>, 3> authorities_;
};

}  // namespace

const NodeConfig& renew_node(const ClusterConfig& config, const std::string& node_dir,
                             const std::string& node_name) {
  std::string name = node_name.empty() ? directory_name(node_dir) : node_name;
  if (const NodeConfig* node = config.find_node(name)) return *node;
  throw Error(ErrorCode::NotFound, config.source + " has no node named '" + name +
                                       "' (for node directory '" + node_dir + "')");
}

Plan plan_renew(const RenewOptions& options, const KeyRegistry& registry,
                const LeafKeySource& keys) {
  return Renewer(options, registry, keys).plan();
}

Plan apply_renew(const Plan& plan, const RenewOptions& options, const KeyRegistry& registry,
                 const LeafKeySource& keys) {
  return Renewer(options, registry, keys).apply(plan);
}

Plan renew_certificates(const RenewOptions& options, const KeyRegistry& registry,
                        const LeafKeySource& keys, std::ostream& log) {
  Plan report = apply_renew(plan_renew(options, registry, keys), options, registry, keys);
  log << render_renew_text(report);
  return report;
}

}  // namespace kpki::kube
