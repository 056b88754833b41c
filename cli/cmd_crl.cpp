// crl: a CRL signed through the CA key URI (issue 13). Registration stub: replaced by the verb's implementation.
#include "cli/commands.h"

namespace kpki::cli {

void add_crl_command(CLI::App& /*app*/) {}

}  // namespace kpki::cli
