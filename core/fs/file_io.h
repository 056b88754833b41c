#pragma once
// Files as a CA tool must write them: whole or not at all. Every write goes to a temporary file in
// the same directory, is fsync'd, renamed over the target and the directory fsync'd, so a crash
// leaves either the old file or the new one, never a torn one.
#include <sys/types.h>
#include <mutex>
#include <string>
#include <vector>

#include "core/util/bytes.h"

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

// The pieces of write_file_atomic, for writers of several files (core/issue/file_group.h): a
// temporary sibling of `path` written with `mode` and fsync'd (its name returned), then moved
// onto `path` (no-clobber with Overwrite::No; the temp is removed on failure), then the
// directory synced. With TempSync::Later the temp is not synced: the caller makes it durable with
// the rest of its group (sync_file_systems) before it installs it.
// A file is created with its final mode, then fchmod-ed when `umask` (the caller's snapshot of
// current_umask()) could have narrowed it; kUnknownUmask always sets it.
enum class TempSync { Now, Later };
inline constexpr mode_t kUnknownUmask = 0777;
std::string write_temp_file(const std::string& path, ByteView data, mode_t mode,
                            TempSync sync = TempSync::Now, mode_t umask = kUnknownUmask);
// The same write to a name chosen by the caller (`temp`: a file in a directory only the caller
// knows, core/issue/staged_directories.h); errors name `path`, the file it will become.
void write_new_file(const std::string& temp, const std::string& path, ByteView data, mode_t mode,
                    TempSync sync, mode_t umask = kUnknownUmask);
// The process's umask, read from /proc (umask() reads it only by setting it, which races with
// other threads creating files); kUnknownUmask when it cannot be read. A large group of files
// reads it once and saves an fchmod a file.
mode_t current_umask();
// A hidden sibling name of `path` that nobody else uses: ".NAME.<random>.tmp".
std::string temporary_name(const std::string& path);
void install_temp_file(const std::string& temp, const std::string& path, Overwrite overwrite);
void sync_parent_directory(const std::string& path);
void sync_directory(const std::string& directory);
// syncfs() of each file system holding one of `directories` (once per file system): everything
// written there, data and metadata, reaches the disk with one cache flush, where an fsync per file
// and per directory flushes the disk's cache once each. Throws InvalidInput naming the directory.
void sync_file_systems(const std::vector<std::string>& directories);

class CreatedFiles;

// Creates a directory and its parents with `mode` (existing ones are left as they are). With
// `created`, each directory this call made is recorded there, so a failed command removes it.
void make_directories(const std::string& path, mode_t mode, CreatedFiles* created = nullptr);

// Removes files (and then directories) created by an operation that failed half-way, unless
// commit() is called: a failed command leaves nothing half written and no empty directories.
class CreatedFiles {
 public:
  CreatedFiles() = default;
  CreatedFiles(const CreatedFiles&) = delete;
  CreatedFiles& operator=(const CreatedFiles&) = delete;
  ~CreatedFiles();
  // From any thread: the CAs of a tree and its groups' installs are made side by side.
  void add(std::string path) {
    std::lock_guard lock(mutex_);
    paths_.push_back(std::move(path));
  }
  void add_directory(std::string path) {
    std::lock_guard lock(mutex_);
    directories_.push_back(std::move(path));
  }
  void commit() {
    std::lock_guard lock(mutex_);
    paths_.clear();
    directories_.clear();
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> paths_;
  std::vector<std::string> directories_;
};

}  // namespace kpki
