#pragma once
// Leaf keys of a Kubernetes tree (or a kubeconfig) are files (kube-apiserver, etcd and kubeconfigs
// need the private key itself), unlike CA keys, which stay behind a KeyManager. Core asks a
// LeafKeySource for them, so it never depends on a particular crypto library; the OpenSSL file
// and Botan backends provide one.
#include <memory>
#include <string>

#include "core/fs/secret.h"
#include "core/keys/signer.h"

namespace kpki {

struct LeafKey {
  std::shared_ptr<const Signer> signer;
  Secret pem;  // unencrypted PKCS#8 PEM
};

class LeafKeySource {
 public:
  virtual ~LeafKeySource() = default;
  virtual LeafKey generate(Algorithm algorithm) const = 0;
  // Parses a PEM private key; throws InvalidInput naming `origin`.
  virtual LeafKey from_pem(const std::string& pem, const std::string& origin) const = 0;
};

}  // namespace kpki
