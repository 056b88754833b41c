#include "core/issue/staged_directories.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/fs/file_io.h"
#include "core/util/error.h"

namespace kpki {

namespace {

Error cannot_make(const std::string& directory) {
  return Error(ErrorCode::InvalidInput, "cannot create directory '" + directory + "'",
               std::strerror(errno));
}

// renameat2 RENAME_NOREPLACE where the file system has it; else rename(), which replaces only an
// empty directory (a full one: ENOTEMPTY).
bool rename_directory(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return false;
  return ::rename(from.c_str(), to.c_str()) == 0;
}

}  // namespace

StagedDirectories::~StagedDirectories() {
  for (const auto& [root, staged] : roots_) {
    if (staged.installed) continue;
    for (const std::string& file : staged.files) ::unlink((staged.staging + "/" + file).c_str());
    for (auto it = staged.directories.rbegin(); it != staged.directories.rend(); ++it)
      ::rmdir((staged.staging + "/" + *it).c_str());
    ::rmdir(staged.staging.c_str());
  }
}

std::string StagedDirectories::stage(const std::string& root, const std::string& path) {
  auto [it, first] = roots_.try_emplace(root);
  Root& staged = it->second;
  if (first) {
    staged.staging = temporary_name(root);
    if (::mkdir(staged.staging.c_str(), 0700) != 0) {
      roots_.erase(it);
      throw cannot_make(root);
    }
  }
  const std::filesystem::path relative = std::filesystem::path(path).lexically_relative(root);
  // The directories between the root and the file, parents first.
  std::filesystem::path between;
  for (auto part = relative.begin(); std::next(part) != relative.end(); ++part) {
    between /= *part;
    if (!staged.made.insert(between.string()).second) continue;
    if (::mkdir((staged.staging + "/" + between.string()).c_str(), 0700) != 0)
      throw cannot_make(root + "/" + between.string());
    staged.directories.push_back(between.string());
  }
  staged.files.push_back(relative.string());
  return staged.staging + "/" + relative.string();
}

void StagedDirectories::install(const std::string& root, CreatedFiles* created) {
  Root& staged = roots_.at(root);
  if (staged.installed) return;
  if (!rename_directory(staged.staging, root)) {
    if (errno == EEXIST || errno == ENOTEMPTY) throw file_already_exists(root);
    throw Error(ErrorCode::InvalidInput, "cannot write '" + root + "'", std::strerror(errno));
  }
  staged.installed = true;
  if (!created) return;
  created->add_directory(root);  // parents first: a failed run removes them deepest first
  for (const std::string& directory : staged.directories)
    created->add_directory(root + "/" + directory);
  for (const std::string& file : staged.files) created->add(root + "/" + file);
}

std::string missing_root(const std::string& directory,
                         std::unordered_map<std::string, std::string>& known) {
  if (auto it = known.find(directory); it != known.end()) return it->second;
  std::string parent = std::filesystem::path(directory).parent_path().string();
  // Parents first: under a missing directory nothing exists, so only a directory whose parent
  // exists costs a stat (someone creating one meanwhile makes the staged root's no-replace rename
  // fail, as it would any time after a stat).
  std::string root =
      parent.empty() || parent == directory ? std::string() : missing_root(parent, known);
  if (root.empty()) {
    struct stat st {};
    if (::stat(directory.c_str(), &st) != 0 && errno == ENOENT) root = directory;
  }
  known.emplace(directory, root);
  return root;
}

}  // namespace kpki
