#include "core/kubernetes/cluster_cas.h"

#include <iomanip>

#include "core/error.h"
#include "core/key_uri_display.h"
#include "core/kubernetes/leaf_files.h"
#include "core/profiles.h"

namespace kpki::kube {

void PlanLog::line(const std::string& verb, const std::string& path, const std::string& detail) {
  std::string rel = path.rfind(root_ + "/", 0) == 0 ? path.substr(root_.size() + 1) : path;
  std::string shown = dry_run_ && verb != "keep" && verb != "MISMATCH" ? "would " + verb : verb;
  out_ << std::left << std::setw(16) << shown << rel << (detail.empty() ? "" : "  " + detail)
       << "\n";
}

std::string ca_key_uri(const ClusterConfig& config, const CaSpec& spec,
                       const std::string& out_dir) {
  auto it = config.ca_keys.find(spec.name);
  return it != config.ca_keys.end() ? it->second : out_dir + "/" + spec.base_path + ".key";
}

namespace {

Certificate self_sign_ca(const ClusterConfig& config, const CaSpec& spec, const Signer& signer) {
  CertificateRequest request;
  request.subject = spec.subject;
  request.sans = spec.sans;
  apply_profile(Profile::Ca, key_type(signer.algorithm()), request);
  request.validity = Validity::from_now(config.ca_certificate_validity);
  return CertificateAuthority::self_sign(request, signer);
}

ClusterCa prepare_one(const ClusterConfig& config, const CaSpec& spec, const std::string& out_dir,
                      const KeyRegistry& registry, const KeyOptions& key_options, bool force,
                      PlanLog& log, CreatedFiles& created) {
  ClusterCa ca;
  ca.spec = &spec;
  ca.key_uri = ca_key_uri(config, spec, out_dir);
  ca.cert_path = out_dir + "/" + spec.base_path + ".crt";
  if (key_uri_scheme(ca.key_uri) == "file") ca.key_file = key_uri_path(ca.key_uri);
  KeyManager& manager = registry.manager_for(ca.key_uri);
  const std::string key_shown = redact_key_uri(ca.key_uri);  // no pin-value in plans or errors
  bool key_exists = manager.exists(ca.key_uri, key_options);
  bool cert_exists = file_exists(ca.cert_path);
  std::string what =
      spec.name + " (" + subject_to_string(spec.subject) + ", self-signed, key " + key_shown + ")";
  if (!key_exists && cert_exists && !force) {
    throw Error(ErrorCode::AlreadyExists, "'" + ca.cert_path + "' exists but its key " + key_shown +
                                              " does not (use --force to create a new " +
                                              spec.name + ")");
  }
  std::shared_ptr<const Signer> signer;
  if (key_exists) {
    signer = manager.open(ca.key_uri, key_options);
  } else {
    log.line("generate key", key_shown, std::string(algorithm_name(config.algorithm)));
    if (log.dry_run()) {
      log.line(cert_exists ? "replace" : "create", ca.cert_path, what);
      return ca;
    }
    signer = manager.generate(ca.key_uri, config.algorithm, key_options);
    if (!ca.key_file.empty()) created.add(ca.key_file);
  }
  std::optional<Certificate> cert;
  if (cert_exists) {
    Certificate existing = Certificate::load(ca.cert_path);
    if (existing.is_ca() && existing.public_key_der() == signer->public_key_der()) {
      cert = std::move(existing);
      log.line("keep", ca.cert_path, spec.name);
    } else if (!force && !log.dry_run()) {
      throw Error(ErrorCode::AlreadyExists, "'" + ca.cert_path + "' does not belong to CA key " +
                                                key_shown +
                                                " (use --force to re-create the CA certificate)");
    } else if (!force) {
      log.line("MISMATCH", ca.cert_path, "does not belong to CA key " + key_shown);
    }
  }
  if (!cert) {
    cert = self_sign_ca(config, spec, *signer);
    log.line(cert_exists ? "replace" : "create", ca.cert_path, what);
    if (!log.dry_run())
      write_new_or_replace(ca.cert_path, cert->pem(), 0644,
                           cert_exists ? Overwrite::Yes : Overwrite::No, created);
  }
  ca.authority.emplace(std::move(*cert), signer, "CA certificate '" + ca.cert_path + "'");
  return ca;
}

}  // namespace

std::array<ClusterCa, 3> prepare_cluster_cas(const ClusterConfig& config,
                                             const std::string& out_dir,
                                             const KeyRegistry& registry,
                                             const KeyOptions& key_options, bool force,
                                             PlanLog& log, CreatedFiles& created) {
  std::array<ClusterCa, 3> cas;
  for (const CaSpec& spec : ca_specs())
    cas[static_cast<size_t>(spec.id)] =
        prepare_one(config, spec, out_dir, registry, key_options, force, log, created);
  return cas;
}

}  // namespace kpki::kube
