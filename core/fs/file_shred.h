#pragma once
// Removing a private key file for good, as far as a file system allows: its bytes are overwritten
// with zeros and fsync'd before it is unlinked, and the directory is fsync'd after. (On copy-on-
// write or journalling-data file systems and SSDs old blocks may survive; docs/ca-lifecycle.md.)
#include <string>

namespace kpki {

// Overwrites `path` in place (same length), fsyncs it, unlinks it and fsyncs its directory.
// Throws naming the file; a file that is not a regular file is refused untouched.
void overwrite_and_remove(const std::string& path);

}  // namespace kpki
