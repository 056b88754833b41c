#pragma once
// The key registry with every backend this build was compiled with. Backends register here, by
// URI scheme; a scheme whose backend is compiled out gets a "built without ... support" error.
#include "core/keys/key_registry.h"

namespace kpki {

const KeyRegistry& key_registry();

// Registers every built-in scheme in `registry`, as key_registry() has them: a program that
// adds its own scheme (KeyRegistry::add) keeps the built-in ones beside it.
void add_builtin_backends(KeyRegistry& registry);

}  // namespace kpki
