// kpki ca rotate CA --phase begin|reissue|finish: a CA replaced without downtime, in the three
// phases of Kubernetes' manual CA rotation (core/kubernetes/rotate/rotate.h, docs/ca-lifecycle.md).
// Each phase is a plan: --dry-run prints it, otherwise it is applied and reported in its shape.
#include <iostream>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/ledger_flags.h"
#include "core/kubernetes/plan/plan_output.h"
#include "core/kubernetes/rotate/rotate.h"

namespace kpki::cli {

namespace {

struct RotateArgs {
  std::string ca;
  std::string config;
  std::string phase;
  std::string format;
  bool dry_run = false;
  kube::RotateOptions options;
  KeyFlags ca_key;
  LedgerFlag ledger;
};

void run_rotate(RotateArgs& args) {
  kube::ClusterConfig config = load_cluster_config_and_warn(args.config);
  args.options.ca = args.ca;
  args.options.phase = kube::parse_rotation_phase(args.phase);
  args.options.ca_key_options = args.ca_key.options;
  // Rotation makes its new leaf keys with OpenSSL (--leaf-key-library is init's alone).
  const LeafKeySource& keys = leaf_key_source(LeafKeyLibrary::OpenSsl);
  // reissue certifies only what this ledger recorded (docs/ca-lifecycle.md).
  const CaLedger where = args.ledger.for_tree(args.options.out_dir);
  auto recorded = open_existing_ledger(where.spec);
  args.options.ledger = recorded.get();
  kube::Plan plan = kube::plan_rotation(config, args.options, key_registry(), keys);
  bool dry = args.dry_run;
  kube::Plan shown = plan;
  if (!dry) {
    // The new CA certificate and every re-signed leaf are recorded like init's (OUT/ledger.db).
    auto journal = start_journal(where);
    args.options.recorder = journal.get();
    shown = kube::apply_rotation(plan, config, args.options, key_registry(), keys);
    finish_journal(*journal);
  }
  if (args.format == "json") {
    std::cout << kube::plan_json(shown, dry).dump(2) << "\n";
    return;
  }
  if (dry) std::cout << "dry run: nothing is written\n";
  std::cout << kube::render_plan_text(shown, dry) << (dry ? "plan: " : "")
            << kube::render_plan_counts(shown.counts()) << "\n";
  if (!dry) {
    std::cout << args.ca << " rotation: phase " << args.phase
              << " done; restart the components that read these files, one node at a time"
              << " (docs/ca-lifecycle.md)\n";
  }
}

}  // namespace

void add_ca_rotate_command(CLI::App& ca) {
  auto args = std::make_shared<RotateArgs>();
  auto* cmd = ca.add_subcommand(
      "rotate",
      "Rotate a cluster CA in three phases: begin (trust old + new), reissue (leaves "
      "signed by the new CA), finish (trust the new CA only)");
  cmd->footer(example("kpki ca rotate etcd-ca --dir out --config cluster.yaml --phase begin "
                      "--dry-run") +
              "\nThe rotation's state is OUT/rotation/<ca>.json; a phase killed half-way is "
              "completed by running it again.");
  cmd->add_option("ca", args->ca, "ca, etcd-ca or front-proxy-ca")
      ->required()
      ->check(CLI::IsMember({"ca", "etcd-ca", "front-proxy-ca"}));
  cmd->add_option("--dir", args->options.out_dir, "The tree kpki init wrote (OUT)")->required();
  cmd->add_option("--config", args->config, "Cluster config kpki init used")->required();
  cmd->add_option("--phase", args->phase, "begin, reissue or finish")
      ->required()
      ->check(CLI::IsMember({"begin", "reissue", "finish"}));
  cmd->add_flag("--dry-run", args->dry_run, "Print the phase's plan; write nothing");
  cmd->add_flag("--destroy-old-key", args->options.destroy_old_key,
                "finish: remove the old CA key file instead of keeping it under OUT/rotation");
  cmd->add_option("--out-config", args->options.out_config,
                  "finish, token key: write the config with caKeys naming the new key here");
  add_output_format_flag(*cmd, args->format);
  args->ca_key.add_to(*cmd, "ca-key-");
  args->ca_key.add_token_sessions_to(*cmd);
  args->ledger.add_to(*cmd, LedgerDefault::Tree);
  cmd->callback([args] { run_rotate(*args); });
}

}  // namespace kpki::cli
