#pragma once
// The key registry with every backend this build was compiled with. Backends register here, by
// URI scheme; a scheme whose backend is compiled out gets a "built without ... support" error.
#include "core/key_registry.h"

namespace kpki {

const KeyRegistry& key_registry();

}  // namespace kpki
