// plan_import (import.h): reads keys, certificates, the token and the tree; writes nothing.
#include <algorithm>
#include <filesystem>

#include "core/fs/file_io.h"
#include "core/keys/key_capabilities.h"
#include "core/kubernetes/import/import.h"
#include "core/kubernetes/import/key_copies.h"
#include "core/kubernetes/import/moves.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/tree/ca_chain.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"
#include "core/x509/certificate.h"

namespace kpki::kube {

namespace fs = std::filesystem;

namespace {

// The file --remove-source removes: the source key's, as its scheme's descriptor names it.
std::string source_key_file(const std::string& source, const KeyRegistry& registry) {
  if (auto file = registry.scheme_for(source).key_file(source)) return *file;
  throw Error(ErrorCode::InvalidInput,
              "key '" + redact_key_uri(source) + "' is not a key file: nothing to remove");
}

// The source key opened and checked against its certificate, and what the token holds.
PlannedKey plan_key(const KeyMove& move, const KeyRegistry& registry,
                    const KeyOptions& source_options, const KeyOptions& token_options) {
  const std::string& source = move.source_uri;
  const std::string& target = move.target_uri;
  PlannedKey k{move.ca, redact_key_uri(target), PlanAction::Create,
               "",      redact_key_uri(source), move.cert_path};
  registry.capability<KeyImporter>(target, "import keys (the target must be a pkcs11: token)");
  registry.capability<PrivateKeyReader>(source, "hand over a private key for import");
  auto key = registry.manager_for(source).open(source, source_options);
  Certificate cert = first_certificate(move.cert_path);
  if (!cert.is_ca() || cert.public_key_der() != key->public_key_der()) {
    throw Error(ErrorCode::InvalidInput, "key '" + redact_key_uri(source) +
                                             "' is not the key of CA certificate '" +
                                             move.cert_path + "'");
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

// --remove-source: every copy of a tree's CA key under OUT (in any encoding), and the caKeys file
// itself when it lies outside OUT.
std::vector<PlannedFile> tree_key_removals(const TreeImportRequest& tree, const KeyMove& move,
                                           const KeyRegistry& registry) {
  const CaSpec& spec = *std::find_if(ca_specs().begin(), ca_specs().end(),
                                     [&](const CaSpec& s) { return s.name == move.ca; });
  const std::string source_path = source_key_file(move.source_uri, registry);
  std::vector<PlannedFile> files =
      find_key_copies(tree.dir, first_certificate(move.cert_path).public_key_der(),
                      spec.base_path + ".key", spec.name);
  bool listed = std::any_of(files.begin(), files.end(), [&](const PlannedFile& f) {
    return fs::equivalent(f.path, source_path);
  });
  if (!listed) files.push_back(planned_key_removal(source_path, "the " + spec.name + " key"));
  return files;
}

}  // namespace

Plan plan_import(const ImportRequest& request, const KeyRegistry& registry,
                 const KeyOptions& source_options, const KeyOptions& token_options) {
  const auto* tree = std::get_if<TreeImportRequest>(&request);
  Plan plan;
  plan.operation = "ca import";
  plan.root = tree ? tree->dir : "";
  const std::vector<KeyMove> moves = key_moves(request, registry);
  for (const KeyMove& move : moves) {
    plan.ca_keys.push_back(plan_key(move, registry, source_options, token_options));
    std::vector<PlannedFile> removals;
    if (tree && tree->remove_source) {
      removals = tree_key_removals(*tree, move, registry);
    } else if (!tree && std::get<SingleImportRequest>(request).remove_source) {
      removals.push_back(
          planned_key_removal(source_key_file(move.source_uri, registry), "source key"));
    }
    for (PlannedFile& f : removals) {
      f.spec = tree ? move.ca + " key" : "key";  // the key it holds (or might hold: Skip)
      plan.files.push_back(std::move(f));
    }
  }
  if (!tree) return plan;
  const std::string text = imported_config_text(*tree, moves, registry);
  if (tree->out_config.empty()) return plan;
  const bool exists = file_exists(tree->out_config);
  if (exists && read_text_file(tree->out_config) != text) {
    throw Error(ErrorCode::AlreadyExists,
                "'" + tree->out_config + "' exists (choose another --out-config)");
  }
  // Already written by an earlier run that stopped before removing the source files: kept.
  plan.files.push_back({tree->out_config, exists ? PlanAction::Keep : PlanAction::Create,
                        "the config with caKeys on the token", "config", "", PlannedKind::Copy, "",
                        false});
  return plan;
}

}  // namespace kpki::kube
