#pragma once
// Leaf keys of a Kubernetes tree (or a kubeconfig) are files (kube-apiserver, etcd and kubeconfigs
// need the private key itself), unlike CA keys, which stay behind a KeyManager. Core asks a
// LeafKeySource for them, so it never depends on a particular crypto library; the one
// implementation (backends/leaf_key_sources.h) asks the chosen backends' key managers for
// exportable keys (ExportableKeys, core/keys/key_capabilities.h).
#include "core/keys/key_capabilities.h"

namespace kpki {

using LeafKey = ExportableKey;

class LeafKeySource {
 public:
  virtual ~LeafKeySource() = default;
  virtual LeafKey generate(Algorithm algorithm) const = 0;
  // Parses a PEM private key; throws InvalidInput naming `origin`.
  virtual LeafKey from_pem(const std::string& pem, const std::string& origin) const = 0;
};

}  // namespace kpki
