// revoke SERIAL (issue 13). Registration stub: replaced by the verb's implementation.
#include "cli/commands.h"

namespace kpki::cli {

void add_revoke_command(CLI::App& /*app*/) {}

}  // namespace kpki::cli
