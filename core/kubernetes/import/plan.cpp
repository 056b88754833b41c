// Planning and printing kpki ca import (core/kubernetes/import/import.h): reads keys, certificates,
// the token and the tree; writes nothing.
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "core/fs/file_io.h"
#include "core/keys/key_capabilities.h"
#include "core/kubernetes/import/import.h"
#include "core/kubernetes/import/key_copies.h"
#include "core/kubernetes/model/ca_keys_config.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/tree/cluster_cas.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"
#include "core/x509/certificate.h"

namespace kpki::kube {

namespace fs = std::filesystem;

std::string ca_token_label(const std::string& ca) { return ca == "ca" ? "kubernetes-ca" : ca; }

std::string token_key_uri(const std::string& token_uri, const std::string& label,
                          const KeyRegistry& registry) {
  if (!registry.scheme_for(token_uri).is_token()) {
    throw Error(ErrorCode::InvalidInput,
                "token URI '" + redact_key_uri(token_uri) + "' does not name a token");
  }
  size_t query = token_uri.find('?');
  std::string path = token_uri.substr(0, query);
  for (const char* attr : {"object=", "id="}) {
    if (path.find(std::string(";") + attr) != std::string::npos ||
        path.find(std::string(":") + attr) != std::string::npos) {
      throw Error(ErrorCode::InvalidInput, "token URI '" + redact_key_uri(token_uri) +
                                               "' names a key (" + attr +
                                               "); give the token only, labels are per CA");
    }
  }
  return path + ";object=" + label + (query == std::string::npos ? "" : token_uri.substr(query));
}

namespace {

// The file --remove-source removes: the source key's, as its scheme's descriptor names it.
std::string source_key_file(const std::string& source, const KeyRegistry& registry) {
  if (auto file = registry.scheme_for(source).key_file(source)) return *file;
  throw Error(ErrorCode::InvalidInput,
              "key '" + redact_key_uri(source) + "' is not a key file: nothing to remove");
}

// The source key opened and checked against its certificate, and what the token holds.
KeyImport plan_key(const std::string& ca, const std::string& source, const std::string& cert_path,
                   const std::string& target, const KeyRegistry& registry,
                   const KeyOptions& source_options, const KeyOptions& token_options) {
  KeyImport k{ca, source, cert_path, target, PlanAction::Create, "", {}};
  registry.capability<KeyImporter>(target, "import keys (the target must be a pkcs11: token)");
  registry.capability<PrivateKeyReader>(source, "hand over a private key for import");
  auto key = registry.manager_for(source).open(source, source_options);
  Certificate cert = Certificate::load(cert_path);
  if (!cert.is_ca() || cert.public_key_der() != key->public_key_der()) {
    throw Error(ErrorCode::InvalidInput, "key '" + redact_key_uri(source) +
                                             "' is not the key of CA certificate '" + cert_path +
                                             "'");
  }
  k.algorithm = algorithm_name(key->algorithm());
  if (key->algorithm() == Algorithm::Ed25519) {
    throw Error(ErrorCode::Unsupported, "key '" + redact_key_uri(source) +
                                            "' is Ed25519: importing Ed25519 keys onto a token "
                                            "is not supported (RSA and EC P-256/P-384 are)");
  }
  KeyManager& token = registry.manager_for(target);
  if (token.exists(target, token_options)) {
    if (token.open(target, token_options)->public_key_der() != key->public_key_der()) {
      throw Error(ErrorCode::AlreadyExists, "the token already holds another key at '" +
                                                redact_key_uri(target) + "' (not the key in '" +
                                                redact_key_uri(source) + "')");
    }
    k.action = PlanAction::Keep;  // imported by an earlier run
  }
  return k;
}

}  // namespace

ImportPlan plan_single_import(const SingleImportRequest& request, const KeyRegistry& registry,
                              const KeyOptions& source_options, const KeyOptions& token_options) {
  ImportPlan plan;
  plan.remove_source = request.remove_source;
  KeyImport k = plan_key("key", request.key_uri, request.cert_path, request.target_uri, registry,
                         source_options, token_options);
  if (request.remove_source)
    k.files.push_back(
        planned_key_removal(source_key_file(request.key_uri, registry), "source key"));
  plan.keys.push_back(std::move(k));
  return plan;
}

ImportPlan plan_tree_import(const TreeImportRequest& request, const KeyRegistry& registry,
                            const KeyOptions& source_options, const KeyOptions& token_options) {
  ImportPlan plan;
  plan.root = request.dir;
  plan.remove_source = request.remove_source;
  std::map<std::string, std::string> ca_keys = request.config.ca_keys;
  for (const CaSpec& spec : ca_specs()) {
    const std::string source = ca_key_uri(request.config, spec, request.dir);
    if (registry.scheme_for(source).is_token()) {
      continue;  // already on a token: its caKeys entry stays as it is
    }
    const std::string target =
        token_key_uri(request.token_uri, ca_token_label(spec.name), registry);
    KeyImport k = plan_key(spec.name, source, request.dir + "/" + spec.base_path + ".crt", target,
                           registry, source_options, token_options);
    if (request.remove_source) {
      const std::string source_path = source_key_file(source, registry);
      k.files = find_key_copies(request.dir, Certificate::load(k.cert_path).public_key_der(),
                                spec.base_path + ".key", spec.name);
      // A caKeys file outside OUT goes too.
      bool listed = std::any_of(k.files.begin(), k.files.end(), [&](const PlannedFile& f) {
        return fs::equivalent(f.path, source_path);
      });
      if (!listed) k.files.push_back(planned_key_removal(source_path, "the " + spec.name + " key"));
    }
    ca_keys[spec.name] = target;
    plan.keys.push_back(std::move(k));
  }
  if (plan.keys.empty()) {
    throw Error(ErrorCode::InvalidInput,
                "every CA key of " + request.config.source + " is already on a token (caKeys)");
  }
  plan.out_config = request.out_config;
  plan.out_config_text = config_with_ca_keys(request.config, ca_keys, request.out_config, registry);
  if (file_exists(plan.out_config) && read_text_file(plan.out_config) != plan.out_config_text) {
    throw Error(ErrorCode::AlreadyExists,
                "'" + plan.out_config + "' exists (choose another --out-config)");
  }
  return plan;
}

std::string render_import_plan(const ImportPlan& plan, bool dry_run) {
  std::ostringstream out;
  auto shown = [&](const std::string& path) {
    const std::string prefix = plan.root + "/";
    return !plan.root.empty() && path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : path;
  };
  auto line = [&](const std::string& verb, const std::string& what, const std::string& detail) {
    out << std::left << std::setw(16) << verb + " " << what << (detail.empty() ? "" : "  " + detail)
        << "\n";
  };
  const std::string would = dry_run ? "would " : "";
  int removals = 0;
  for (const KeyImport& k : plan.keys) {
    const std::string what =
        k.ca + ": " + shown(redact_key_uri(k.source_uri)) + " -> " + redact_key_uri(k.target_uri);
    if (k.action == PlanAction::Keep) {
      line("keep", what, "already on the token");
    } else {
      line(would + "import", what, k.algorithm + ", must match " + shown(k.cert_path));
    }
    for (const PlannedFile& f : k.files) {
      if (f.action == PlanAction::Remove) ++removals;
      line(f.action == PlanAction::Remove ? would + "remove" : "skip", shown(f.path), f.reason);
    }
  }
  if (!plan.out_config.empty()) {
    line(would + "write", plan.out_config, "the config with caKeys on the token");
  }
  if (!plan.remove_source) line("keep", "source key files", "(no --remove-source)");
  int imports =
      static_cast<int>(std::count_if(plan.keys.begin(), plan.keys.end(), [](const KeyImport& k) {
        return k.action == PlanAction::Create;
      }));
  out << (dry_run ? "plan: " : "") << imports << " to import, "
      << plan.keys.size() - static_cast<size_t>(imports) << " already on the token, " << removals
      << (removals == 1 ? " file" : " files") << " to remove\n";
  return out.str();
}

}  // namespace kpki::kube
