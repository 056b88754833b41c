#include "core/kubernetes/tree/tree_links.h"

#include <sys/stat.h>

#include <cerrno>

#include "core/util/error.h"

namespace kpki::kube {

namespace {

enum class Entry { Missing, Link, Other };

Entry entry_at(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return errno == ENOENT ? Entry::Missing : Entry::Other;
  return S_ISLNK(st.st_mode) ? Entry::Link : Entry::Other;
}

[[noreturn]] void refuse_link(const std::string& path, const std::string& root) {
  throw Error(ErrorCode::InvalidInput, "'" + path + "' is a symbolic link: kpki reads and writes " +
                                           "nothing through a link in the tree it manages ('" +
                                           root + "')");
}

}  // namespace

TreeLinks::TreeLinks(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

void TreeLinks::refuse(const std::string& path) {
  const std::string prefix = root_ + "/";
  if (path.rfind(prefix, 0) == 0) {
    // Each directory from the root down, once per run (a thousand nodes share OUT/nodes). Below
    // a missing one there is nothing, links included.
    for (size_t slash = path.find('/', prefix.size()); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      std::string dir = path.substr(0, slash);
      if (missing_dirs_.count(dir)) return;
      if (!checked_dirs_.insert(dir).second) continue;
      switch (entry_at(dir)) {
        case Entry::Link:
          refuse_link(dir, root_);
        case Entry::Missing:
          missing_dirs_.insert(dir);
          return;
        case Entry::Other:
          break;
      }
    }
  }
  if (entry_at(path) == Entry::Link) refuse_link(path, root_);
}

bool TreeLinks::absent(const std::string& path) const {
  const std::string prefix = root_ + "/";
  if (missing_dirs_.empty() || path.rfind(prefix, 0) != 0) return false;
  for (size_t slash = path.find('/', prefix.size()); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    if (missing_dirs_.count(path.substr(0, slash))) return true;
  }
  return false;
}

}  // namespace kpki::kube
