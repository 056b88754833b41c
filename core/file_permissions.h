#pragma once
// Files holding secrets (PIN files, CA key files) must be private to their owner, as ssh insists
// for its keys: a secret that group or others can read is refused, not used silently.
#include <string>
#include <string_view>

namespace kpki {

// Throws InvalidInput naming `what` ("PIN file"), the path, its mode and the fix when `path` is
// readable, writable or executable by group or others, e.g.
//   PIN file 'x' is mode 0644: readable by others; chmod 600 it
// NotFound when it does not exist. Character devices (/dev/tty, /dev/stdin on a terminal) are
// not files anyone else keeps a copy in, and are let through.
void require_private_file(const std::string& path, std::string_view what);

}  // namespace kpki
