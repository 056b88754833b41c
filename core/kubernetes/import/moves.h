#pragma once
// What an import request moves (import.h), computed the same way by plan_import and apply_import:
// each key's URI as it is now, the CA certificate it must match and the token URI it goes to
// (unredacted: the plan shows them redacted), and the config a tree import writes.
#include <string>
#include <vector>

#include "core/kubernetes/import/import.h"

namespace kpki::kube {

struct KeyMove {
  std::string ca;          // "ca", "etcd-ca", "front-proxy-ca" (tree), or "key" (single key)
  std::string source_uri;  // PATH, file:PATH, botan:PATH
  std::string cert_path;
  std::string target_uri;  // pkcs11:...;object=LABEL...
};

// One key; or every CA key of the tree not already on a token (its caKeys entry stays).
std::vector<KeyMove> key_moves(const ImportRequest& request, const KeyRegistry& registry);

// The tree's config with caKeys naming the token keys of `moves`.
std::string imported_config_text(const TreeImportRequest& request,
                                 const std::vector<KeyMove>& moves, const KeyRegistry& registry);

}  // namespace kpki::kube
