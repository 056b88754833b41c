#pragma once
// Which file a PKCS#11 module is loaded from, and whether it may be. Loading a module runs its
// code (constructors first) inside kpki, next to the CA keys' PINs, so a module is named either
// through p11-kit's registry (RFC 7512 module-name, the names `p11-kit list-modules` shows; only
// that one module is loaded, never the others registered), or by a module-path that passes the
// same checks ssh applies to its key files (core/fs/trusted_library.h).
#include <string>

namespace kpki {

// The file p11-kit's module registry gives for `name` (e.g. "softhsm2"), read from the registry's
// config files without loading any module (p11kit_registry.h); the config file that names it is
// checked like a module file. NotFound lists the registered names when there is no such module.
std::string pkcs11_module_for_name(const std::string& name);

// The module used when nothing names one: the one module p11-kit's proxy would load, or
// "softhsm2" when several are registered and it is one of them. InvalidInput, listing the
// registered names, otherwise. (Not the proxy itself: it loads every registered module.)
std::string pkcs11_default_module();

// Throws, before anything loads it, unless `path` is absolute and passes
// require_trusted_library: owned by root or the effective user, not writable by group or others,
// nor is any directory or symlink on the way. NotFound when it is missing.
void require_safe_module_file(const std::string& path);

}  // namespace kpki
