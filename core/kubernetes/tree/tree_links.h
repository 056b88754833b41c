#pragma once
// The tree kpki manages (OUT) holds no symbolic link: a key read through a link pointing outside
// OUT would be certified as if kpki had made it, and a file written through a linked directory
// lands wherever the link points. Every path a plan reads or writes under OUT is checked, each
// directory between OUT and the file once. OUT itself may be reached through links (a user's
// /data -> /mnt/data): only what lies below it is the tree.
#include <set>
#include <string>

namespace kpki::kube {

class TreeLinks {
 public:
  explicit TreeLinks(std::string root);

  // Throws InvalidInput naming the first link found: `path` itself or a directory between the
  // root and it. A path outside the root is checked itself only (a caKeys file the config names
  // is the user's choice, not part of the tree).
  void refuse(const std::string& path);

  // True when refuse() found a directory between the root and `path` missing: then nothing is
  // there, and a fresh tree is planned without a system call per file. False says nothing.
  bool absent(const std::string& path) const;

 private:
  std::string root_;
  std::set<std::string> checked_dirs_;
  std::set<std::string> missing_dirs_;  // found missing by refuse()
};

}  // namespace kpki::kube
