// kpki init: a whole cluster's kubeadm-layout PKI, one directory per node, from a cluster config.
// The plan is computed first (nothing written); --dry-run prints it, otherwise it is applied and
// what was done is printed in the same shape (-o json: docs/plan.md).
#include <iostream>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/ledger_flags.h"
#include "cli/progress_line.h"
#include "core/kubernetes/init/init.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/plan/plan_output.h"
#include "core/util/error.h"
#include "core/util/interruption.h"

namespace kpki::cli {

namespace {

struct InitArgs {
  std::string config;
  std::string format;
  kube::InitOptions options;
  KeyFlags ca_key;
  std::string leaf_key_library = "auto";
  LedgerFlag ledger;
};

// A dry run's plan, a refused plan (mismatches: nothing written either) or a run's report.
void print_plan(const kube::Plan& plan, bool dry_run, const std::string& format,
                bool announce_dry_run = false) {
  if (format == "json") {
    std::cout << kube::plan_json(plan, dry_run).dump(2) << "\n";
    return;
  }
  if (announce_dry_run) std::cout << "dry run: nothing is written\n";
  std::cout << kube::render_plan_text(plan, dry_run) << (dry_run ? "plan: " : "")
            << kube::render_plan_counts(plan.counts()) << "\n";
}

void run_init_command(InitArgs& args) {
  kube::ClusterConfig config = load_cluster_config_and_warn(args.config);
  args.options.ca_key_options = args.ca_key.options;
  const LeafKeySource& keys = leaf_key_source(parse_leaf_key_library(args.leaf_key_library));
  // A key on disk without its certificate is certified only when this ledger knows it.
  const CaLedger where = args.ledger.for_tree(args.options.out_dir);
  auto recorded = open_existing_ledger(where.spec);
  args.options.ledger = recorded.get();
  kube::Plan plan = kube::plan_init(config, args.options, key_registry(), keys);
  if (args.options.dry_run || plan.has_mismatch()) {
    print_plan(plan, true, args.format, args.options.dry_run);
    if (args.options.dry_run) return;
    throw Error(ErrorCode::AlreadyExists,
                std::to_string(plan.counts().mismatched) + " file(s) no longer match " +
                    config.source +
                    " (listed above as MISMATCH); nothing was written: re-run with --force to "
                    "replace them");
  }
  auto journal = start_journal(where);
  args.options.recorder = journal.get();
  kube::Plan done;
  {
    // Ctrl-C, SIGTERM, SIGHUP: the run stops like an error (what it created is removed, the
    // ledger records what was signed as abandoned) and exits 130.
    StopOnSignal stop_on_signal;
    ProgressLine progress("leaf keys");
    args.options.leaf_keys.progress = progress.callback();
    try {
      done = kube::apply_init(plan, config, args.options, key_registry(), keys);
    } catch (const Error& e) {
      if (!stop_signal()) throw;
      throw Error(e.code(), e.message() +
                                ": the files and directories this run created were removed (the "
                                "ledger records what it signed as abandoned); run init again");
    }
  }
  finish_journal(*journal);
  print_plan(done, false, args.format);
}

}  // namespace

void add_init_command(CLI::App& app) {
  auto args = std::make_shared<InitArgs>();
  auto* cmd = app.add_subcommand(
      "init", "Issue a whole cluster's PKI (kubeadm layout) into OUT/nodes/<name>/");
  cmd->footer(example("kpki init --config cluster.yaml --dir out --dry-run -o json") +
              "\nThe plan (and, after a run, the report) lists every file: create, keep, "
              "replace, mismatch, remove (docs/plan.md).");
  cmd->add_option("--config", args->config, "Cluster config (kpki ClusterPKI or kubeadm v1beta4)")
      ->required();
  cmd->add_option("--dir", args->options.out_dir, "Output directory")->required();
  cmd->add_flag("--dry-run", args->options.dry_run, "Print the plan; write nothing");
  cmd->add_flag("--force", args->options.force,
                "Replace files that no longer match the config (and remove stale ones)");
  cmd->add_flag("--adopt-keys", args->options.adopt_keys,
                "Certify leaf keys found without their certificate even when the ledger has no "
                "record of kpki issuing them (the plan lists each as adopted)");
  add_output_format_flag(*cmd, args->format);
  cmd->add_option("--leaf-key-library", args->leaf_key_library,
                  "Library that generates leaf keys: auto (fastest: Botan for RSA), openssl, "
                  "botan; the files are the same PKCS#8 PEM")
      ->check(CLI::IsMember({"auto", "openssl", "botan"}));
  args->ca_key.add_to(*cmd, "ca-key-");
  args->ca_key.add_token_sessions_to(*cmd);
  args->ledger.add_to(*cmd, LedgerDefault::Tree);
  cmd->callback([args] { run_init_command(*args); });
}

}  // namespace kpki::cli
