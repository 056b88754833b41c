#pragma once
// --cn/--org/--ou/--country/--state/--locality and --dns/--ip/--uri/--email, shared by the verbs
// that build a subject and SANs from flags.
#include <CLI/CLI.hpp>

#include "core/x509/certificate_request.h"

namespace kpki::cli {

struct SubjectFlags {
  Subject subject;
  SubjectAltNames sans;
  void add_to(CLI::App& cmd, bool cn_required);
};

}  // namespace kpki::cli
