// kpki kubeconfig user.
#include "cli/commands.h"

namespace kpki::cli {

void add_kubeconfig_commands(CLI::App&) {}

}  // namespace kpki::cli
