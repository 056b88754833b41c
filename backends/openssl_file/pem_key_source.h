#pragma once
// LeafKeySource over OpenSSL: fresh keys and PEM key files for Kubernetes leaf certificates.
#include "core/keys/leaf_key_source.h"

namespace kpki {

class PemKeySource final : public LeafKeySource {
 public:
  LeafKey generate(Algorithm algorithm) const override;
  LeafKey from_pem(const std::string& pem, const std::string& origin) const override;
};

}  // namespace kpki
