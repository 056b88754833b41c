#include "cli/doc_path.h"

#include <cstdlib>
#include <filesystem>

namespace kpki::cli {

std::string doc_path(const std::string& name) {
  // KPKI_DOC_DIR: set by the build when it writes the man page, so that the page names the
  // package's path rather than the build machine's source tree.
  if (const char* dir = std::getenv("KPKI_DOC_DIR"); dir && *dir)
    return std::string(dir) + "/" + name;
  for (const std::string dir : {KPKI_PACKAGE_DOCDIR, KPKI_INSTALL_DOCDIR, KPKI_SOURCE_DIR}) {
    std::error_code ec;
    if (std::filesystem::exists(dir + "/" + name, ec)) return dir + "/" + name;
  }
  return std::string(KPKI_PACKAGE_DOCDIR) + "/" + name;
}

}  // namespace kpki::cli
