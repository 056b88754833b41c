#include "core/kubernetes/renew.h"

#include <algorithm>
#include <memory>

#include "core/certificate_authority.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/kubernetes/cert_specs.h"
#include "core/kubernetes/cluster_cas.h"
#include "core/kubernetes/leaf_files.h"
#include "core/profiles.h"

namespace kpki::kube {

namespace {

Profile profile_from_eku(const std::vector<ExtendedKeyUsage>& eku) {
  bool server = false, client = false;
  for (auto usage : eku) {
    server |= usage == ExtendedKeyUsage::ServerAuth;
    client |= usage == ExtendedKeyUsage::ClientAuth;
  }
  return server && client ? Profile::Peer : server ? Profile::Server : Profile::Client;
}

class Renewer {
 public:
  Renewer(const RenewOptions& options, const KeyRegistry& registry, const LeafKeySource& keys,
          std::ostream& log)
      : options_(options), registry_(registry), keys_(keys), log_(log) {}

  std::vector<RenewResult> run() {
    std::vector<LeafSpec> targets = select();
    std::vector<RenewResult> results;
    for (const LeafSpec& spec : targets) {
      std::string rel = spec.kind == LeafKind::Kubeconfig ? spec.path : spec.cert_path();
      if (!file_exists(dir() + "/" + rel)) {
        if (!all_) throw Error(ErrorCode::NotFound, "'" + dir() + "/" + rel + "' does not exist");
        log_ << "skip     " << spec.name << " (" << rel << " not present)\n";
        continue;
      }
      results.push_back(renew(spec, rel));
    }
    return results;
  }

 private:
  const std::string& dir() const { return options_.node_dir; }

  std::vector<LeafSpec> select() {
    if (!file_exists(dir()))
      throw Error(ErrorCode::NotFound, "node directory '" + dir() + "' does not exist");
    std::vector<LeafSpec> known = known_leaves();
    all_ = options_.names.size() == 1 && options_.names[0] == "all";
    if (all_) return known;
    std::vector<LeafSpec> out;
    for (const std::string& name : options_.names) {
      for (const CaSpec& ca : ca_specs()) {
        if (name == ca.name)
          throw Error(ErrorCode::InvalidInput,
                      "'" + name +
                          "' is a CA: certs renew never renews a CA (re-run kpki init "
                          "with a new CA and --force instead)");
      }
      auto it =
          std::find_if(known.begin(), known.end(), [&](const auto& s) { return s.name == name; });
      if (it == known.end()) {
        std::string names;
        for (const auto& s : known) names += (names.empty() ? "" : ", ") + s.name;
        throw Error(ErrorCode::InvalidInput,
                    "unknown certificate '" + name + "' (expected all, " + names + ")");
      }
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
    if (options_.config && options_.config->ca_keys.count(spec.name)) {
      uri = options_.config->ca_keys.at(spec.name);
    } else if (file_exists(dir() + "/" + spec.base_path + ".key")) {
      uri = dir() + "/" + spec.base_path + ".key";
    } else {
      throw Error(ErrorCode::NotFound,
                  "no key for " + spec.name + ": '" + dir() + "/" + spec.base_path +
                      ".key' is absent and --config sets no caKeys." + spec.name);
    }
    std::shared_ptr<const Signer> signer =
        registry_.manager_for(uri).open(uri, options_.ca_key_options);
    slot = std::make_unique<CertificateAuthority>(Certificate::load(cert_path), signer,
                                                  "CA certificate '" + cert_path + "'");
    return *slot;
  }

  RenewResult renew(const LeafSpec& spec, const std::string& rel) {
    ExistingLeaf existing = read_leaf(dir(), spec, keys_);
    if (!existing.problem.empty()) throw Error(ErrorCode::InvalidInput, existing.problem);
    if (!existing.cert)
      throw Error(ErrorCode::NotFound, "'" + dir() + "/" + rel + "': no certificate");
    const Certificate& old = *existing.cert;
    if (old.is_ca()) throw Error(ErrorCode::InvalidInput, "'" + rel + "' is a CA certificate");
    const CertificateAuthority& ca = authority(spec.ca);
    Algorithm algorithm = options_.config ? options_.config->algorithm
                                          : algorithm_of_public_key(old.public_key_der());
    auto validity = options_.config ? options_.config->certificate_validity
                                    : std::chrono::seconds(std::chrono::hours(8760));
    LeafKey key = keys_.generate(algorithm);
    // Identity comes from the certificate being renewed, not from the table.
    LeafSpec copy = spec;
    copy.subject = old.subject();
    copy.sans = old.subject_alt_names();
    copy.profile = profile_from_eku(old.extended_key_usage());
    std::string cluster_name = "kubernetes";
    if (existing.kubeconfig) {
      copy.server = existing.kubeconfig->server;
      copy.subject.common_name = old.subject().common_name;
      cluster_name = existing.kubeconfig->cluster_name;
    }
    Certificate cert = ca.issue(leaf_request(copy, *key.signer, validity));
    CreatedFiles created;
    write_leaf(dir(), copy, cert, key, ca.certificate(), cluster_name, Overwrite::Yes, created);
    created.commit();
    log_ << "renewed  " << spec.name << " (" << rel << "): serial " << old.serial_hex() << " -> "
         << cert.serial_hex() << "\n";
    return RenewResult{spec.name, rel, old.serial_hex(), cert.serial_hex(), cert.not_after()};
  }

  const RenewOptions& options_;
  const KeyRegistry& registry_;
  const LeafKeySource& keys_;
  std::ostream& log_;
  bool all_ = false;
  std::array<std::unique_ptr<CertificateAuthority>, 3> authorities_;
};

}  // namespace

std::vector<RenewResult> renew_certificates(const RenewOptions& options,
                                            const KeyRegistry& registry, const LeafKeySource& keys,
                                            std::ostream& log) {
  return Renewer(options, registry, keys, log).run();
}

}  // namespace kpki::kube
