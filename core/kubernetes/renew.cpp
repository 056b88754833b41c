#include "core/kubernetes/renew.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <memory>

#include "core/certificate_authority.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/kubernetes/cert_specs.h"
#include "core/kubernetes/leaf_files.h"

namespace kpki::kube {

namespace {

std::string directory_name(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return std::filesystem::path(dir).filename().string();
}

// A leaf that passed every check, waiting for its new key and certificate.
struct CheckedLeaf {
  LeafSpec spec;
  std::string rel;
  std::string old_serial;
};

class Renewer {
 public:
  Renewer(const RenewOptions& options, const KeyRegistry& registry, const LeafKeySource& keys,
          std::ostream& log)
      : options_(options), registry_(registry), keys_(keys), log_(log) {}

  std::vector<RenewResult> run() {
    if (!file_exists(dir()))
      throw Error(ErrorCode::NotFound, "node directory '" + dir() + "' does not exist");
    const NodeConfig& node = renew_node(config(), dir(), options_.node_name);
    // Every file is checked (and every CA key opened) before the first one is replaced.
    std::vector<CheckedLeaf> checked;
    for (const LeafSpec& spec : select(node)) {
      std::string rel = spec.kind == LeafKind::Kubeconfig ? spec.path : spec.cert_path();
      if (!file_exists(dir() + "/" + rel)) {
        if (!all_) throw Error(ErrorCode::NotFound, "'" + dir() + "/" + rel + "' does not exist");
        log_ << "skip     " << spec.name << " (" << rel << " not present)\n";
        continue;
      }
      checked.push_back(check(spec, rel));
    }
    std::vector<RenewResult> results;
    for (const CheckedLeaf& leaf : checked) results.push_back(renew(leaf));
    return results;
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

  const CertificateAuthority& authority(CaId id) {
    auto& slot = authorities_[static_cast<size_t>(id)];
    if (slot) return *slot;
    const CaSpec& spec = ca_spec(id);
    std::string cert_path = dir() + "/" + spec.base_path + ".crt";
    std::string uri;
    if (config().ca_keys.count(spec.name)) {
      uri = config().ca_keys.at(spec.name);
    } else if (file_exists(dir() + "/" + spec.base_path + ".key")) {
      uri = dir() + "/" + spec.base_path + ".key";
    } else {
      throw Error(ErrorCode::NotFound, "no key for " + spec.name + ": '" + dir() + "/" +
                                           spec.base_path + ".key' is absent and " +
                                           config().source + " sets no caKeys." + spec.name);
    }
    std::shared_ptr<const Signer> signer =
        registry_.manager_for(uri).open(uri, options_.ca_key_options);
    slot = std::make_unique<CertificateAuthority>(Certificate::load(cert_path), signer,
                                                  "CA certificate '" + cert_path + "'");
    return *slot;
  }

  // The file must be one this CA issued for this identity: renewing re-signs it with the CA key,
  // so a planted certificate (self-signed, another node's, O=system:masters) must never pass.
  CheckedLeaf check(const LeafSpec& spec, const std::string& rel) {
    std::string shown = "'" + dir() + "/" + rel + "'";
    ExistingLeaf existing = read_leaf(dir(), spec, keys_);
    if (!existing.problem.empty()) throw Error(ErrorCode::InvalidInput, existing.problem);
    if (!existing.cert) throw Error(ErrorCode::NotFound, shown + ": no certificate");
    const Certificate& old = *existing.cert;
    const CertificateAuthority& ca = authority(spec.ca);
    if (!signed_by(old, ca.certificate()))
      throw Error(ErrorCode::InvalidInput, shown + " is not signed by CA '" + dir() + "/" +
                                               ca_spec(spec.ca).base_path + ".crt'");
    if (std::string reason = identity_mismatch(old, spec); !reason.empty())
      throw Error(ErrorCode::InvalidInput, shown + ": " + reason);
    return CheckedLeaf{spec, rel, old.serial_hex()};
  }

  RenewResult renew(const CheckedLeaf& leaf) {
    const CertificateAuthority& ca = authority(leaf.spec.ca);
    LeafKey key = keys_.generate(config().algorithm);
    // The identity is the table's (checked equal to the old file's above).
    Certificate cert =
        ca.issue(leaf_request(leaf.spec, *key.signer, config().certificate_validity));
    CreatedFiles created;
    write_leaf(dir(), leaf.spec, cert, key, ca.certificate(), config().cluster_name, Overwrite::Yes,
               created);
    created.commit();
    log_ << "renewed  " << leaf.spec.name << " (" << leaf.rel << "): serial " << leaf.old_serial
         << " -> " << cert.serial_hex() << "\n";
    return RenewResult{leaf.spec.name, leaf.rel, leaf.old_serial, cert.serial_hex(),
                       cert.not_after()};
  }

  const RenewOptions& options_;
  const KeyRegistry& registry_;
  const LeafKeySource& keys_;
  std::ostream& log_;
  bool all_ = false;
  std::array<std::unique_ptr<CertificateAuthority>, 3> authorities_;
};

}  // namespace

const NodeConfig& renew_node(const ClusterConfig& config, const std::string& node_dir,
                             const std::string& node_name) {
  std::string name = node_name.empty() ? directory_name(node_dir) : node_name;
  if (const NodeConfig* node = config.find_node(name)) return *node;
  throw Error(ErrorCode::NotFound, config.source + " has no node named '" + name +
                                       "' (for node directory '" + node_dir + "')");
}

std::vector<RenewResult> renew_certificates(const RenewOptions& options,
                                            const KeyRegistry& registry, const LeafKeySource& keys,
                                            std::ostream& log) {
  return Renewer(options, registry, keys, log).run();
}

}  // namespace kpki::kube
