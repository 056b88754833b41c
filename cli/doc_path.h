#pragma once
// Where kpki's docs are on this machine, for messages that point at one: the package's
// /usr/share/doc/kpki, the configured install prefix's share/doc/kpki, or the source tree of the
// build that made this kpki, whichever holds it; the package's path when none does. The docs keep
// the repository's layout there (README.md, docs/*.md).
#include <string>

namespace kpki::cli {

// The path of `name` ("docs/ledger.md", "README.md") as this machine has it.
std::string doc_path(const std::string& name);

}  // namespace kpki::cli
