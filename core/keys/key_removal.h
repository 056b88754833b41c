#pragma once
// A capability of token backends (found through KeyRegistry::capability<KeyRemover>): destroying
// a whole key that the caller itself made, e.g. `kpki bench`'s scratch keys on a token. kpki's
// verbs never destroy a key they did not make.
#include <cstddef>
#include <string>

#include "core/keys/key_manager.h"

namespace kpki {

class KeyRemover {
 public:
  virtual ~KeyRemover() = default;
  // Destroys the key objects (private and public halves) labelled as `uri` names; returns how
  // many were destroyed (0 when there were none).
  virtual std::size_t remove_key(const std::string& uri, const KeyOptions& options) = 0;
};

}  // namespace kpki
