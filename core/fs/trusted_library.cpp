#include "core/fs/trusted_library.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <filesystem>
#include <vector>

#include "core/fs/file_permissions.h"
#include "core/util/error.h"

namespace kpki {

namespace {

namespace fs = std::filesystem;

// As the kernel: more symlinks than this on one path is a loop.
constexpr int kMaxSymlinks = 40;

struct Check {
  const std::string& path;
  const std::string& what;

  [[noreturn]] void refuse(const std::string& why) const {
    throw Error(ErrorCode::InvalidInput,
                "refusing to load " + what + " '" + path + "': " + why + " (not loaded)");
  }

  // One entry on the way: owned by root or us; a directory or the file not writable by group or
  // others (symlinks have no mode of their own; a sticky directory keeps others from replacing
  // what we own in it, and each entry below it is checked in its own right).
  void owner_and_mode(const std::string& entry, const struct stat& st, const char* kind) const {
    if (st.st_uid != 0 && st.st_uid != geteuid()) {
      refuse(std::string(kind) + " '" + entry + "' is owned by uid " + std::to_string(st.st_uid) +
             ", not by root or the invoking user");
    }
    if (S_ISLNK(st.st_mode)) return;
    bool sticky_directory = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !sticky_directory) {
      refuse(std::string(kind) + " '" + entry + "' is mode " + octal_mode(st.st_mode) +
             ": writable by " + ((st.st_mode & S_IWOTH) ? "others" : "group"));
    }
  }

  struct stat lstat_of(const fs::path& entry) const {
    struct stat st {};
    if (::lstat(entry.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR)
        throw Error(ErrorCode::NotFound, what + " '" + path + "' does not exist");
      refuse("cannot stat '" + entry.string() + "'");
    }
    return st;
  }
};

std::deque<std::string> components(const fs::path& p) {
  std::deque<std::string> out;
  for (const fs::path& part : p.relative_path()) {
    if (!part.empty() && part != ".") out.push_back(part.string());
  }
  return out;
}

}  // namespace

void require_trusted_library(const std::string& path, const std::string& what) {
  Check check{path, what};
  if (path.empty() || path.front() != '/') check.refuse("the path must be absolute");
  // Resolved by hand, one entry at a time, so every directory and symlink met is checked where
  // it is, not only where the path ends up.
  fs::path dir = "/";
  check.owner_and_mode("/", check.lstat_of(dir), "directory");
  std::deque<std::string> todo = components(path);
  int symlinks = 0;
  while (!todo.empty()) {
    std::string name = todo.front();
    todo.pop_front();
    if (name == "..") {
      dir = dir.parent_path();
      continue;
    }
    fs::path entry = dir / name;
    struct stat st = check.lstat_of(entry);
    if (S_ISLNK(st.st_mode)) {
      check.owner_and_mode(entry.string(), st, "symlink");
      if (++symlinks > kMaxSymlinks) check.refuse("too many symlinks");
      std::error_code ec;
      fs::path target = fs::read_symlink(entry, ec);
      if (ec) check.refuse("cannot read symlink '" + entry.string() + "'");
      std::deque<std::string> rest = components(target);
      rest.insert(rest.end(), todo.begin(), todo.end());
      todo = std::move(rest);
      if (target.is_absolute()) dir = "/";
      continue;
    }
    bool last = todo.empty();
    if (!last && !S_ISDIR(st.st_mode)) {
      throw Error(ErrorCode::NotFound, what + " '" + path + "' does not exist");
    }
    if (last && !S_ISREG(st.st_mode))
      check.refuse("'" + entry.string() + "' is not a regular file");
    check.owner_and_mode(entry.string(), st, last ? "file" : "directory");
    dir = entry;
  }
  if (dir == "/") check.refuse("'/' is not a regular file");
}

}  // namespace kpki
