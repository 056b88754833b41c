// ca import: a file CA key onto a token (issue 12). Registration stub: replaced by the verb's implementation.
#include "cli/commands.h"

namespace kpki::cli {

void add_ca_import_command(CLI::App& /*ca*/) {}

}  // namespace kpki::cli
