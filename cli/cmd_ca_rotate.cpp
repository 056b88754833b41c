// ca rotate: begin|reissue|finish (issue 12). Registration stub: replaced by the verb's implementation.
#include "cli/commands.h"

namespace kpki::cli {

void add_ca_rotate_command(CLI::App& /*ca*/) {}

}  // namespace kpki::cli
