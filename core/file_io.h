#pragma once
// Files as a CA tool must write them: whole or not at all. Every write goes to a temporary file in
// the same directory, is fsync'd, renamed over the target and the directory fsync'd, so a crash
// leaves either the old file or the new one, never a torn one.
#include <sys/types.h>
#include <string>

#include "core/bytes.h"

namespace kpki {

enum class Overwrite { No, Yes };

// Reads a whole file. Throws NotFound / InvalidInput naming `path`.
Bytes read_file(const std::string& path);
std::string read_text_file(const std::string& path);

// Writes `data` atomically with `mode` (applied regardless of umask). With Overwrite::No an
// existing file is an AlreadyExists error and is left untouched.
void write_file_atomic(const std::string& path, ByteView data, mode_t mode, Overwrite overwrite);
void write_file_atomic(const std::string& path, const std::string& data, mode_t mode,
                       Overwrite overwrite);

bool file_exists(const std::string& path);

// Creates a directory and its parents with `mode` (existing ones are left as they are).
void make_directories(const std::string& path, mode_t mode);

// Removes files created by an operation that failed half-way, unless commit() is called: a
// failed command leaves nothing half written.
class CreatedFiles {
 public:
  CreatedFiles() = default;
  CreatedFiles(const CreatedFiles&) = delete;
  CreatedFiles& operator=(const CreatedFiles&) = delete;
  ~CreatedFiles();
  void add(std::string path) { paths_.push_back(std::move(path)); }
  void commit() { paths_.clear(); }

 private:
  std::vector<std::string> paths_;
};

}  // namespace kpki
