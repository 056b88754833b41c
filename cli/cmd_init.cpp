// kpki init: a whole cluster's kubeadm-layout PKI, one directory per node, from a cluster config.
#include <iostream>

#include "backends/backends.h"
#include "backends/openssl_file/pem_key_source.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "core/kubernetes/cluster_config.h"
#include "core/kubernetes/init.h"

namespace kpki::cli {

namespace {

struct InitArgs {
  std::string config;
  kube::InitOptions options;
  KeyFlags ca_key;
};

void run_init_command(InitArgs& args) {
  kube::ClusterConfig config = load_cluster_config_and_warn(args.config);
  args.options.ca_key_options = args.ca_key.options;
  if (args.options.dry_run) std::cout << "dry run: nothing is written\n";
  kube::InitSummary summary =
      kube::run_init(config, args.options, key_registry(), PemKeySource(), std::cout);
  std::cout << (args.options.dry_run ? "plan: " : "") << summary.created << " created, "
            << summary.replaced << " replaced, " << summary.kept << " kept, " << summary.mismatched
            << " mismatching";
  if (summary.removed > 0) std::cout << ", " << summary.removed << " removed";
  std::cout << "\n";
}

}  // namespace

void add_init_command(CLI::App& app) {
  auto args = std::make_shared<InitArgs>();
  auto* cmd = app.add_subcommand(
      "init", "Issue a whole cluster's PKI (kubeadm layout) into OUT/nodes/<name>/");
  cmd->footer(example("kpki init --config cluster.yaml --dir out --dry-run"));
  cmd->add_option("--config", args->config, "Cluster config (kpki ClusterPKI or kubeadm v1beta4)")
      ->required();
  cmd->add_option("--dir", args->options.out_dir, "Output directory")->required();
  cmd->add_flag("--dry-run", args->options.dry_run, "Print the plan; write nothing");
  cmd->add_flag("--force", args->options.force, "Replace files that no longer match the config");
  args->ca_key.add_to(*cmd, "ca-key-");
  cmd->callback([args] { run_init_command(*args); });
}

}  // namespace kpki::cli
