#pragma once
// The scheme descriptor of the PKCS#11 drivers (pkcs11: and libp11:, one RFC 7512 grammar): keys
// on a token, named by object= label. Plain string work, so a build without the driver still
// registers it and says "built without ... support".
#include <string>

#include "core/keys/key_scheme.h"

namespace kpki {

class TokenKeyScheme final : public KeyScheme {
 public:
  using KeyScheme::KeyScheme;

  bool is_token() const override { return true; }
  // pin-source=file:REL and module-path=REL, the two attributes that name a file.
  std::string resolve_relative(const std::string& uri, const std::string& base_dir) const override;
  // The old object= label with -rN (an earlier -rN replaced), without the old id=.
  std::optional<std::string> rotated_key_uri(const std::string& old_uri, int number,
                                             const std::string& dir) const override;
};

}  // namespace kpki
