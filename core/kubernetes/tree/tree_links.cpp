#include "core/kubernetes/tree/tree_links.h"

#include <sys/stat.h>

#include "core/util/error.h"

namespace kpki::kube {

namespace {

bool is_link(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
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
    // Each directory from the root down, once per run (a thousand nodes share OUT/nodes).
    for (size_t slash = path.find('/', prefix.size()); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      std::string dir = path.substr(0, slash);
      if (!checked_dirs_.insert(dir).second) continue;
      if (is_link(dir)) refuse_link(dir, root_);
    }
  }
  if (is_link(path)) refuse_link(path, root_);
}

}  // namespace kpki::kube
