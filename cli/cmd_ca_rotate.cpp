// kpki ca rotate CA --phase begin|reissue|finish: a CA replaced without downtime, in the three
// phases of Kubernetes' manual CA rotation (core/kubernetes/rotate/rotate.h, docs/ca-lifecycle.md).
// Each phase is a plan: --dry-run prints it, otherwise it is applied and reported in its shape.
#include <filesystem>
#include <iostream>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/doc_path.h"
#include "cli/ledger_flags.h"
#include "cli/machine_output.h"
#include "cli/plan_printing.h"
#include "core/fs/file_io.h"
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

// After a file key's finish, where its keys are and what to destroy (nothing is left unsaid: the
// rotation directory still holds the new key's source and, unless --destroy-old-key, the old key).
void print_key_files_after_finish(const kube::Plan& done, const std::string& ca) {
  std::string live, old_key;
  for (const kube::PlannedFile& file : done.files) {
    if (file.spec != ca + " key" || !file.node.empty()) continue;
    if (file.path.ends_with("/old.key")) {
      old_key = file.path;
    } else if (file.path.ends_with(".key")) {
      live = file.path;
    }
  }
  if (live.empty() || old_key.empty()) return;  // a token key: the config names it
  const std::string dir = std::filesystem::path(old_key).parent_path().string();
  std::cerr << ca << " keys: the new key is " << live << " (and its copies on the control-plane "
            << "nodes)\n";
  if (file_exists(old_key)) {
    std::cerr << "  the old key is kept at " << old_key
              << ": destroy it (shred -u) once no component trusts the old CA\n";
  }
  if (file_exists(dir + "/new.key")) {
    std::cerr << "  " << dir << "/new.key is a second copy of the new key (the one it was made "
              << "as): back it up or destroy it (shred -u)\n";
  }
}

void run_rotate(RotateArgs& args) {
  // The tree's Kubernetes version decides what the reissued leaves look like.
  kube::ClusterConfig config = load_cluster_config_and_warn(args.config, "", args.options.out_dir);
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
    // Under a rootCA the new intermediate is the root's issuance: recorded in the root's ledger.
    std::unique_ptr<ledger::IssuanceJournal> root_journal;
    if (config.root_ca.present() && args.options.phase == kube::RotationPhase::Begin) {
      root_journal = start_journal(args.ledger.for_ca_certificate(config.root_ca.cert));
      args.options.root_recorder = root_journal.get();
    }
    shown = kube::apply_rotation(plan, config, args.options, key_registry(), keys);
    finish_journal(*journal);
    if (root_journal) finish_journal(*root_journal);
  }
  print_plan(shown, dry, args.format, dry);
  if (!dry && args.options.phase == kube::RotationPhase::Finish)
    print_key_files_after_finish(shown, args.ca);  // stderr, in every format
  if (prints_document(args.format)) return;
  if (!dry) {
    std::cout << args.ca << " rotation: phase " << args.phase
              << " done; restart the components that read these files, one node at a time"
              << " (" << doc_path("docs/ca-lifecycle.md") << ")\n";
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
  add_plan_output_flag(*cmd, args->format);
  args->ca_key.add_to(*cmd, "ca-key-");
  args->ca_key.add_token_sessions_to(*cmd);
  args->ledger.add_to(*cmd, LedgerDefault::Tree);
  cmd->callback([args] { run_rotate(*args); });
}

}  // namespace kpki::cli
