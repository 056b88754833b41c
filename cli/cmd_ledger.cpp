// ledger list|show: the issuance ledger (issue 13). Registration stub: replaced by the verb's implementation.
#include "cli/commands.h"

namespace kpki::cli {

void add_ledger_commands(CLI::App& /*app*/) {}

}  // namespace kpki::cli
