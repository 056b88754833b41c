// The Kubernetes verb groups: init, certs, kubeconfig.
#include "cli/commands.h"

namespace kpki::cli {

void add_kubernetes_commands(CLI::App& app) {
  add_init_command(app);
  add_certs_commands(app);
  add_kubeconfig_commands(app);
}

}  // namespace kpki::cli
