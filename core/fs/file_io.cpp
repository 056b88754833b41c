#include "core/fs/file_io.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/util/error.h"

namespace kpki {

namespace {

std::string errno_text() { return std::strerror(errno); }

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() { close(); }
  int get() const { return fd_; }
  int close() {
    int rc = fd_ >= 0 ? ::close(fd_) : 0;
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string parent_directory(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

void fsync_directory(const std::string& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

std::string temp_name_for(const std::string& path) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, ".%016llx", static_cast<unsigned long long>(rng()));
  auto p = std::filesystem::path(path);
  // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) on `"." + std::string`.
  std::string name = ".";
  name.append(p.filename().string()).append(suffix).append(".tmp");
  return (p.parent_path() / name).string();
}

// Moves `temp` onto `path` unless `path` exists, in one step where the file system can
// (renameat2 RENAME_NOREPLACE: ext4, xfs, btrfs, tmpfs), else as link() + unlink(). Returns false
// with errno set on failure; `temp` is left for the caller.
bool rename_no_replace(const std::string& temp, const std::string& path) {
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0)
    return true;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return false;
  if (::link(temp.c_str(), path.c_str()) != 0) return false;
  ::unlink(temp.c_str());
  return true;
}

}  // namespace

Bytes read_file(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    ErrorCode code = errno == ENOENT ? ErrorCode::NotFound : ErrorCode::InvalidInput;
    throw Error(code, "cannot read '" + path + "'", errno_text());
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw Error(ErrorCode::InvalidInput, "'" + path + "' is a directory, not a file");
  }
  constexpr size_t kMaxFile = 64u << 20;  // no PKI input is this large; refuse to balloon
  Bytes data;
  std::uint8_t buf[65536];
  // Key files and PIN/passphrase files pass through here: leave no copy on the stack. (The caller
  // owns and wipes `data`; reserving the file size up front keeps reallocation from leaving
  // stray copies in freed heap blocks.)
  struct Wipe {
    std::uint8_t* p;
    size_t n;
    ~Wipe() { OPENSSL_cleanse(p, n); }
  } wipe{buf, sizeof buf};
  if (S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) > kMaxFile)
    throw Error(ErrorCode::InvalidInput, "'" + path + "' is too large");
  if (st.st_size > 0 && static_cast<size_t>(st.st_size) <= kMaxFile)
    data.reserve(static_cast<size_t>(st.st_size) + 1);
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::InvalidInput, "cannot read '" + path + "'", errno_text());
    }
    if (n == 0) break;
    data.insert(data.end(), buf, buf + n);
    if (data.size() > kMaxFile) throw Error(ErrorCode::InvalidInput, "'" + path + "' is too large");
  }
  return data;
}

std::string read_text_file(const std::string& path) {
  Bytes data = read_file(path);
  return std::string(data.begin(), data.end());
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

void write_file_atomic(const std::string& path, const std::string& data, mode_t mode,
                       Overwrite overwrite) {
  write_file_atomic(path, as_bytes(data), mode, overwrite);
}

std::string temporary_name(const std::string& path) { return temp_name_for(path); }

mode_t current_umask() {
  FILE* status = std::fopen("/proc/self/status", "re");
  if (!status) return kUnknownUmask;
  char line[256];
  unsigned value = kUnknownUmask;
  while (std::fgets(line, sizeof line, status)) {
    if (std::sscanf(line, "Umask: %o", &value) == 1) break;
  }
  std::fclose(status);
  return static_cast<mode_t>(value & 0777);
}

std::string write_temp_file(const std::string& path, ByteView data, mode_t mode, TempSync sync,
                            mode_t umask) {
  std::string temp = temp_name_for(path);
  write_new_file(temp, path, data, mode, sync, umask);
  return temp;
}

void write_new_file(const std::string& temp, const std::string& path, ByteView data, mode_t mode,
                    TempSync sync, mode_t umask) {
  // O_EXCL: nobody can pre-create the temp name. Created with its final mode, which the umask may
  // narrow (then fchmod restores it): never wider than `mode` at any moment.
  FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777));
  if (fd.get() < 0)
    throw Error(ErrorCode::InvalidInput, "cannot write '" + path + "'", errno_text());
  auto fail = [&](const std::string& what) {
    std::string cause = errno_text();
    ::unlink(temp.c_str());
    throw Error(ErrorCode::InvalidInput, what + " '" + path + "'", cause);
  };
  if ((mode & umask) != 0 && ::fchmod(fd.get(), mode) != 0) fail("cannot set mode of");
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write");
    }
    written += static_cast<size_t>(n);
  }
  // TempSync::Later leaves the data to the caller's syncfs, which writes the whole group back in
  // one go: starting each file's write-back here (sync_file_range) cost a system call and a
  // device request per file, a third of a 1,000-worker tree's system time (docs/backends.md).
  if (sync == TempSync::Now && ::fsync(fd.get()) != 0) fail("cannot sync");
  if (fd.close() != 0) fail("cannot close");
}

void install_temp_file(const std::string& temp, const std::string& path, Overwrite overwrite) {
  if (overwrite == Overwrite::No) {
    if (!rename_no_replace(temp, path)) {
      bool exists = errno == EEXIST;
      std::string cause = errno_text();
      ::unlink(temp.c_str());
      if (exists) throw file_already_exists(path);
      throw Error(ErrorCode::InvalidInput, "cannot write '" + path + "'", cause);
    }
  } else if (::rename(temp.c_str(), path.c_str()) != 0) {
    std::string cause = errno_text();
    ::unlink(temp.c_str());
    throw Error(ErrorCode::InvalidInput, "cannot replace '" + path + "'", cause);
  }
}

void sync_parent_directory(const std::string& path) { fsync_directory(parent_directory(path)); }

void sync_directory(const std::string& directory) { fsync_directory(directory); }

void sync_file_systems(const std::vector<std::string>& directories) {
  std::vector<dev_t> synced;
  for (const auto& dir : directories) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0 &&
        std::find(synced.begin(), synced.end(), st.st_dev) != synced.end())
      continue;
    FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || ::syncfs(fd.get()) != 0)
      throw Error(ErrorCode::InvalidInput, "cannot sync '" + dir + "'", errno_text());
    synced.push_back(st.st_dev);
  }
}

void write_file_atomic(const std::string& path, ByteView data, mode_t mode, Overwrite overwrite) {
  if (overwrite == Overwrite::No && file_exists(path)) {
    throw file_already_exists(path);
  }
  install_temp_file(write_temp_file(path, data, mode), path, overwrite);
  sync_parent_directory(path);
}

void make_directories(const std::string& path, mode_t mode, CreatedFiles* created) {
  // Most calls find the directory there already (a tree's writers ask once per directory they
  // write into): one stat instead of a mkdir per path component.
  if (struct stat existing{}; ::stat(path.c_str(), &existing) == 0 && S_ISDIR(existing.st_mode))
    return;
  // The deepest missing directory first, its parents only when it has none: a tree's node
  // directories cost one mkdir each rather than one per component of their path.
  std::vector<std::filesystem::path> missing;  // deepest first
  std::filesystem::path current = std::filesystem::path(path).lexically_normal();
  if (!current.has_filename()) current = current.parent_path();  // "a/b/" is "a/b"
  bool made = false;  // the deepest one, by this call: no need to look at it again
  while (!current.empty()) {
    if (::mkdir(current.c_str(), mode) == 0) {
      if (created) created->add_directory(current.string());
      made = true;
      break;
    }
    if (errno == EEXIST) break;
    if (errno != ENOENT)
      throw Error(ErrorCode::InvalidInput, "cannot create directory '" + current.string() + "'",
                  errno_text());
    missing.push_back(current);
    std::filesystem::path parent = current.parent_path();
    if (parent == current) break;  // the root itself is missing: mkdir below reports why
    current = std::move(parent);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    made = ::mkdir(it->c_str(), mode) == 0;
    if (made) {
      if (created) created->add_directory(it->string());
    } else if (errno != EEXIST) {
      throw Error(ErrorCode::InvalidInput, "cannot create directory '" + it->string() + "'",
                  errno_text());
    }
  }
  struct stat st {};
  if (!made && (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))) {
    throw Error(ErrorCode::InvalidInput, "'" + path + "' is not a directory");
  }
}

CreatedFiles::~CreatedFiles() {
  for (const auto& path : paths_) ::unlink(path.c_str());
  // Deepest first; rmdir only removes empty directories, so nothing else is ever lost.
  for (auto it = directories_.rbegin(); it != directories_.rend(); ++it) ::rmdir(it->c_str());
}

}  // namespace kpki
