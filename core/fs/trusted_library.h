#pragma once
// Shared libraries kpki loads at run time (PKCS#11 modules, the PostgreSQL ledger module): loading
// one runs its code (constructors first) inside kpki, next to the CA keys' PINs. So the file, and
// every directory and symlink on the way to it, must be safe from anyone but root and the user,
// as ssh asks of its key files. Checked before dlopen().
#include <string>

namespace kpki {

// Throws, before anything loads `path`, unless it is absolute and every entry met while resolving
// it (each directory, each symlink and the directory it sits in, the file itself) is owned by root
// or the effective user, and no directory or the file is writable by group or others (a sticky
// directory such as /tmp excepted: others may add entries there, but not replace ours). The
// file must be a regular one. InvalidInput "refusing to load <what> '<path>': <why> (not
// loaded)"; NotFound "<what> '<path>' does not exist" when it is missing.
void require_trusted_library(const std::string& path, const std::string& what);

}  // namespace kpki
