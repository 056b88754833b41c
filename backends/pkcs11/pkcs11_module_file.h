#pragma once
// Which file a PKCS#11 module is loaded from, and whether it may be. Loading a module runs its
// code (constructors first) inside kpki, next to the CA keys' PINs, so a module is named either
// through p11-kit's registry (RFC 7512 module-name, the names `p11-kit list-modules` shows), or
// by a module-path that passes the same checks ssh applies to its key files.
#include <string>

namespace kpki {

// The file p11-kit's module registry gives for `name` (e.g. "softhsm2"). NotFound lists the
// registered names when there is no such module.
std::string pkcs11_module_for_name(const std::string& name);

// Throws, before anything loads it, unless `path` is absolute and names (after symlinks) a
// regular file owned by root or the effective user, not writable by group or others, in
// directories that are equally owned and not group/other writable. NotFound when it is missing.
void require_safe_module_file(const std::string& path);

}  // namespace kpki
