#pragma once
// kpki ca import: existing CA keys (files, botan: keys) moved onto a PKCS#11 token, planned then
// applied (docs/plan.md, docs/ca-lifecycle.md). Planning opens each source key and its CA
// certificate, checks they belong together and what the token already holds, and lists every file
// to remove; it writes nothing. Applying imports, proves each token key by a test signature that
// must verify against the CA certificate, writes the new config, and only then removes files.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/keys/key_manager.h"
#include "core/keys/key_registry.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/plan/plan.h"

namespace kpki::kube {

struct KeyImport {
  std::string ca;          // "ca", "etcd-ca", "front-proxy-ca" (tree), or "key" (single key)
  std::string source_uri;  // the key as it is now (PATH, file:PATH, botan:PATH)
  std::string cert_path;   // the CA certificate the token key must match
  std::string target_uri;  // pkcs11:...;object=LABEL... (shown through redact_key_uri)
  // Create: to import. Keep: the token already holds this very key (a resumed import).
  PlanAction action = PlanAction::Create;
  std::string algorithm;  // "ecdsa-p256", ...
  // Files holding the source key in any encoding, removed with --remove-source; plus private keys
  // kpki cannot read and files at a copy's path that hold another key (Skip: left in place,
  // reported). See key_copies.h.
  std::vector<PlannedFile> files;
};

struct ImportPlan {
  std::string root;  // OUT, or "" for a single key: paths are shown under it
  std::vector<KeyImport> keys;
  std::string out_config;       // config written with caKeys filled in ("" = none)
  std::string out_config_text;  // its content
  bool remove_source = false;
};

struct SingleImportRequest {
  std::string key_uri, cert_path, target_uri;
  bool remove_source = false;
};

struct TreeImportRequest {
  std::string dir;        // OUT of kpki init
  ClusterConfig config;   // the cluster's config
  std::string token_uri;  // pkcs11:token=...?pin-source=... without object=
  std::string out_config;
  bool remove_source = false;
};

// The token label of each CA in a whole-tree import ("kubernetes-ca", "etcd-ca",
// "front-proxy-ca"), as docs/examples/cluster.yaml names them.
std::string ca_token_label(const std::string& ca);

// `token_uri` with ;object=LABEL added to its path. InvalidInput when it names no token (its
// scheme's descriptor says) or already names an object.
std::string token_key_uri(const std::string& token_uri, const std::string& label,
                          const KeyRegistry& registry);

ImportPlan plan_single_import(const SingleImportRequest& request, const KeyRegistry& registry,
                              const KeyOptions& source_options, const KeyOptions& token_options);
ImportPlan plan_tree_import(const TreeImportRequest& request, const KeyRegistry& registry,
                            const KeyOptions& source_options, const KeyOptions& token_options);

// One line per key, file and config; verbs read "would ..." in a dry run.
std::string render_import_plan(const ImportPlan& plan, bool dry_run);

// Executes `plan` exactly, one line per step on `log`. A failure after some keys were imported
// leaves every source file in place and names the keys already on the token.
void apply_import(const ImportPlan& plan, const KeyRegistry& registry,
                  const KeyOptions& source_options, const KeyOptions& token_options,
                  std::ostream& log);

}  // namespace kpki::kube
