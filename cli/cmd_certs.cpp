// kpki certs check-expiration | renew.
#include "cli/commands.h"

namespace kpki::cli {

void add_certs_commands(CLI::App&) {}

}  // namespace kpki::cli
