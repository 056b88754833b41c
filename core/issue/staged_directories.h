#pragma once
// New directories written whole. When a group's files go under a directory that does not exist
// yet (a new node's, in kpki init), they are written into a hidden sibling of it,
// ".NAME.<random>.tmp", with their own names, and that directory is renamed into place once
// (without replacing anything): one rename for all of a node's files instead of one each, and the
// node's files appear together. A kill leaves the hidden directory, as it leaves a temporary file;
// an error removes it.
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace kpki {

class CreatedFiles;

class StagedDirectories {
 public:
  StagedDirectories() = default;
  StagedDirectories(const StagedDirectories&) = delete;
  StagedDirectories& operator=(const StagedDirectories&) = delete;
  ~StagedDirectories();  // removes what was staged and never renamed into place

  // Where to write `path`, which lies under `root` (a directory that does not exist, its parent
  // does). The hidden directory and those between it and the file are made (0700) when first
  // needed.
  std::string stage(const std::string& root, const std::string& path);
  // Renames the hidden directory of `root` into place, unless done already, and adds its
  // directories and files to `created`: only then, as until then they may be someone else's.
  // Throws AlreadyExists naming `root` when it has appeared meanwhile.
  void install(const std::string& root, CreatedFiles* created);

 private:
  struct Root {
    std::string staging;                   // the hidden directory
    std::vector<std::string> files;        // relative to it (and to the root)
    std::vector<std::string> directories;  // the same, made there, parents first
    std::unordered_set<std::string> made;  // those directories, to make each once
    bool installed = false;
  };
  std::unordered_map<std::string, Root> roots_;
};

// The directory to stage for a file in `directory`: the topmost of `directory` and its parents
// that does not exist (its parent does), or "" when `directory` exists. `known` remembers each
// directory looked at, with its answer; a directory under a missing one is not looked at.
std::string missing_root(const std::string& directory,
                         std::unordered_map<std::string, std::string>& known);

}  // namespace kpki
