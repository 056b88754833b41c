#pragma once
// LeafKeySource over OpenSSL: fresh keys and PEM key files for Kubernetes leaf certificates.
#include "core/kubernetes/leaf_keys.h"

namespace kpki {

class PemKeySource final : public kube::LeafKeySource {
 public:
  kube::LeafKey generate(Algorithm algorithm) const override;
  kube::LeafKey from_pem(const std::string& pem, const std::string& origin) const override;
};

}  // namespace kpki
