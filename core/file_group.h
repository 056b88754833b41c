#pragma once
// Files that only make sense together — a certificate and its private key — written so that a
// crash can hardly separate them. POSIX has no multi-file rename, so true atomicity would need a
// directory swap; what this does is write and fsync every file first and only then rename them
// one right after another, which shrinks the window in which a kill leaves a new key beside an
// old certificate from "one whole file write and fsync" (milliseconds) to "between two renames"
// (microseconds).
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/file_io.h"

namespace kpki {

struct FileWrite {
  std::string path;
  ByteView data;  // must outlive the call
  mode_t mode;
  Overwrite overwrite;
};

// Writes all `files` (in order) as described above. With Overwrite::No an existing target is an
// AlreadyExists error before anything is written. On failure, temporary files are removed; files
// already renamed stay (each is whole).
void write_files_together(const std::vector<FileWrite>& files);

}  // namespace kpki
