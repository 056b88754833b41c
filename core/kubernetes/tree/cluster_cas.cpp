#include "core/kubernetes/tree/cluster_cas.h"

#include <algorithm>

#include "core/issue/file_group.h"
#include "core/issue/profiles.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"
#include "core/util/run_concurrently.h"

namespace kpki::kube {

std::string ca_key_uri(const ClusterConfig& config, const CaSpec& spec, const std::string& dir) {
  auto it = config.ca_keys.find(spec.name);
  return it != config.ca_keys.end() ? it->second : dir + "/" + spec.base_path + ".key";
}

// The key file copied into the control-plane nodes, "" for a key that stays where it is.
static std::string copied_key_file(const KeyRegistry& registry, const std::string& uri) {
  const KeyScheme& scheme = registry.scheme_for(uri);
  return scheme.copies_key_file() ? scheme.key_file(uri).value_or("") : "";
}

std::shared_ptr<const IssuancePolicy> certificate_table_policy() { return trusted_requests(); }

AuthorityOptions cluster_ca_options(const std::string& key_uri, IssuanceRecorder* recorder,
                                    const std::string& cert_path, std::string backend) {
  return {key_uri, certificate_table_policy(), recorder, "CA certificate '" + cert_path + "'",
          std::move(backend)};
}

Issued self_sign_ca(const ClusterConfig& config, const CaSpec& spec, const Signer& signer,
                    const AuthorityOptions& options) {
  CertificateRequest request;
  request.subject = spec.subject;
  request.sans = spec.sans;
  apply_profile(Profile::Ca, key_type(signer.algorithm()), request);
  request.validity = Validity::from_now(config.ca_certificate_validity);
  return Authority::self_sign(request, signer, options);
}

std::vector<Certificate> read_root_ca(const ClusterConfig& config) {
  if (!config.root_ca.present()) return {};
  std::vector<Certificate> certs = Certificate::load_bundle(config.root_ca.cert);
  if (certs.empty() || !certs.front().is_ca())
    throw Error(ErrorCode::InvalidInput, config.source + ": rootCA.cert '" + config.root_ca.cert +
                                             "' is not a CA certificate");
  return certs;
}

Authority open_root_ca(const ClusterConfig& config, const KeyRegistry& registry,
                       const KeyOptions& key_options, IssuanceRecorder* recorder) {
  std::vector<Certificate> root = read_root_ca(config);
  if (root.empty()) throw Error(ErrorCode::InvalidInput, config.source + ": no rootCA");
  const std::string& uri = config.root_ca.key_uri;
  return Authority(Certificate::from_der(root.front().der(), config.root_ca.cert),
                   registry.manager_for(uri).open(uri, key_options),
                   AuthorityOptions{uri, certificate_table_policy(), recorder,
                                    "rootCA certificate '" + config.root_ca.cert + "'",
                                    registry.scheme_of(uri)});
}

Issued issue_intermediate_ca(const ClusterConfig& config, const CaSpec& spec, const Signer& signer,
                             const Authority& root) {
  CertificateRequest request;
  request.subject = spec.subject;
  request.sans = spec.sans;
  request.subject_public_key = signer.public_key_der();
  apply_profile(Profile::Ca, key_type(signer.algorithm()), request);
  request.path_length = 0;
  request.validity = Validity::from_now(config.ca_certificate_validity);
  return root.issue(request);
}

namespace {

// Why an existing CA certificate does not sit where the config puts it; "" when it does.
std::string placement_problem(const ClusterConfig& config, const Certificate& cert,
                              const std::vector<Certificate>& root) {
  if (root.empty())
    return self_signed(cert) ? "" : "is not self-signed (the config names no rootCA)";
  return signed_by(cert, root.front()) ? ""
                                       : "is not signed by rootCA '" + config.root_ca.cert + "'";
}

const PlannedFile& planned_cert(const Plan& plan, const CaSpec& spec) {
  auto it = std::find_if(plan.files.begin(), plan.files.end(), [&](const PlannedFile& f) {
    return f.kind == PlannedKind::CaCertificate && f.spec == spec.name;
  });
  if (it == plan.files.end())
    throw Error(ErrorCode::InvalidInput, "the plan has no certificate for " + spec.name);
  return *it;
}

const PlannedKey& planned_key(const Plan& plan, const CaSpec& spec) {
  auto it = std::find_if(plan.ca_keys.begin(), plan.ca_keys.end(),
                         [&](const PlannedKey& k) { return k.ca == spec.name; });
  if (it == plan.ca_keys.end())
    throw Error(ErrorCode::InvalidInput, "the plan has no key for " + spec.name);
  return *it;
}

}  // namespace

std::array<FoundCa, 3> read_cluster_cas(const ClusterConfig& config, const std::string& out_dir,
                                        const KeyRegistry& registry,
                                        const KeyOptions& key_options) {
  std::array<FoundCa, 3> found;
  // Every CA key backend must exist in this build before anything is opened.
  for (const CaSpec& spec : ca_specs()) registry.manager_for(ca_key_uri(config, spec, out_dir));
  for (const CaSpec& spec : ca_specs()) {
    FoundCa& ca = found[static_cast<size_t>(spec.id)];
    ca.spec = &spec;
    ca.key_uri = ca_key_uri(config, spec, out_dir);
    ca.cert_path = out_dir + "/" + spec.base_path + ".crt";
    ca.key_file = copied_key_file(registry, ca.key_uri);
    KeyManager& manager = registry.manager_for(ca.key_uri);
    if (manager.exists(ca.key_uri, key_options)) ca.signer = manager.open(ca.key_uri, key_options);
    if (file_exists(ca.cert_path)) ca.cert = first_certificate(ca.cert_path);
  }
  return found;
}

std::array<ClusterCa, 3> plan_cluster_cas(const ClusterConfig& config,
                                          const std::array<FoundCa, 3>& found, bool force,
                                          Plan& plan) {
  std::array<ClusterCa, 3> cas;
  const std::vector<Certificate> root = read_root_ca(config);
  const std::string signed_how =
      root.empty() ? "self-signed" : "signed by " + subject_to_string(root.front().subject());
  for (const FoundCa& ca : found) {
    const CaSpec& spec = *ca.spec;
    const std::string key_shown = redact_key_uri(ca.key_uri);  // no pin-value in plans
    PlannedKey key{spec.name, key_shown, PlanAction::Keep, ""};
    PlannedFile cert{ca.cert_path, PlanAction::Create,         "", spec.name,
                     spec.name,    PlannedKind::CaCertificate, "", false};
    const std::string what = spec.name + " (" + subject_to_string(spec.subject) + ", " +
                             signed_how + ", key " + key_shown + ")";
    std::string problem;  // why the existing certificate cannot stay
    if (!ca.signer) {
      key.action = PlanAction::Create;
      key.algorithm = algorithm_name(config.algorithm);
      problem = "exists but its key " + key_shown + " does not";
    } else if (ca.cert &&
               !(ca.cert->is_ca() && ca.cert->public_key_der() == ca.signer->public_key_der())) {
      problem = "does not belong to CA key " + key_shown;
    } else if (ca.cert) {
      problem = placement_problem(config, *ca.cert, root);
    }
    if (!ca.cert) {
      cert.reason = what;
    } else if (problem.empty()) {
      cert.action = PlanAction::Keep;
      cert.reason = spec.name;
      ClusterCa& kept = cas[static_cast<size_t>(spec.id)];
      kept.spec = &spec;
      kept.key_file = ca.key_file;
      // Compared with, never signed with: apply_cluster_cas makes the authorities that sign.
      kept.authority.emplace(Certificate::from_der(ca.cert->der(), ca.cert_path), ca.signer,
                             cluster_ca_options(ca.key_uri, nullptr, ca.cert_path));
      kept.files = ca_files(*ca.cert, chain_above(*ca.cert, root));
    } else if (force) {
      cert.action = PlanAction::Replace;
      cert.reason = what + "  (was: " + problem + ")";
    } else {
      cert.action = PlanAction::Mismatch;
      cert.reason = problem;
    }
    // A key of another algorithm than the config's (an RSA CA left by a run before the config
    // moved to ECDSA) is reported, and not replaced by --force: a new CA key is a rotation.
    if (ca.signer && ca.signer->algorithm() != config.algorithm) {
      cert.action = PlanAction::Mismatch;
      cert.reason = "key " + key_shown + " is " +
                    std::string(algorithm_name(ca.signer->algorithm())) + ", config wants " +
                    std::string(algorithm_name(config.algorithm)) +
                    " (a new CA key: kpki ca rotate " + spec.name + ")";
    }
    plan.ca_keys.push_back(std::move(key));
    plan.files.push_back(std::move(cert));
  }
  for (size_t i = 0; i < cas.size(); ++i) {
    cas[i].spec = found[i].spec;
    cas[i].key_file = found[i].key_file;
  }
  return cas;
}

std::array<ClusterCa, 3> apply_cluster_cas(const ClusterConfig& config, const Plan& plan,
                                           const std::string& out_dir, const KeyRegistry& registry,
                                           const KeyOptions& key_options,
                                           IssuanceRecorder* recorder,
                                           IssuanceRecorder* root_recorder, Plan& report,
                                           CreatedFiles& created) {
  std::array<ClusterCa, 3> cas;
  const std::vector<Certificate> root = read_root_ca(config);
  std::optional<Authority> root_authority;  // opened when a CA certificate is to be signed
  auto root_ca = [&]() -> const Authority& {
    if (!root_authority)
      root_authority.emplace(open_root_ca(config, registry, key_options, root_recorder));
    return *root_authority;
  };

  const std::vector<CaSpec>& specs = ca_specs();
  std::vector<PlannedKey> keys_done(specs.size());
  std::vector<PlannedFile> files_done(specs.size());
  auto make_ca = [&](size_t i) {
    const CaSpec& spec = specs[i];
    ClusterCa& ca = cas[static_cast<size_t>(spec.id)];
    ca.spec = &spec;
    const std::string uri = ca_key_uri(config, spec, out_dir);
    ca.key_file = copied_key_file(registry, uri);
    KeyManager& manager = registry.manager_for(uri);
    const PlannedKey& key = planned_key(plan, spec);
    std::shared_ptr<const Signer> signer;
    if (key.action == PlanAction::Create) {
      signer = manager.generate(uri, config.algorithm, key_options);
      if (!ca.key_file.empty()) created.add(ca.key_file);
    } else {
      signer = manager.open(uri, key_options);
    }
    keys_done[i] = key;
    const PlannedFile& entry = planned_cert(plan, spec);
    AuthorityOptions options =
        cluster_ca_options(uri, recorder, entry.path, registry.scheme_of(uri));
    std::optional<Certificate> cert;
    if (entry.action == PlanAction::Keep) {
      cert = first_certificate(entry.path);
    } else {
      Issued issued = root.empty() ? self_sign_ca(config, spec, *signer, options)
                                   : issue_intermediate_ca(config, spec, *signer, root_ca());
      Overwrite overwrite = entry.action == PlanAction::Replace ? Overwrite::Yes : Overwrite::No;
      write_new_or_replace(
          entry.path, ca_files(issued.certificate, chain_above(issued.certificate, root)).trust_pem,
          0644, overwrite, created, issued.record);
      cert = std::move(issued.certificate);
    }
    files_done[i] = entry;
    ca.files = ca_files(*cert, chain_above(*cert, root));
    ca.authority.emplace(std::move(*cert), signer, std::move(options));
  };
  // Three CAs whose keys are files, self-signed, are made side by side: each is a few durable
  // writes (key, ledger record, certificate), and their syncs overlap. A token's keys and a root's
  // signatures are made one at a time, as a token or its driver may expect.
  bool side_by_side =
      root.empty() && std::all_of(specs.begin(), specs.end(), [&](const CaSpec& spec) {
        return !copied_key_file(registry, ca_key_uri(config, spec, out_dir)).empty();
      });
  run_concurrently(specs.size(), side_by_side ? specs.size() : 1, make_ca);
  report.ca_keys.insert(report.ca_keys.end(), keys_done.begin(), keys_done.end());
  report.files.insert(report.files.end(), files_done.begin(), files_done.end());
  return cas;
}

}  // namespace kpki::kube
