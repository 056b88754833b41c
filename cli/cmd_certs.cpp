// kpki certs check-expiration | renew: kubeadm's day-2 certificate verbs for one node directory.
#include <filesystem>
#include <iostream>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/ledger_flags.h"
#include "cli/progress_line.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/plan/plan_output.h"
#include "core/kubernetes/renew/renew.h"
#include "core/kubernetes/tree/expiration.h"

namespace kpki::cli {

namespace {

struct CheckArgs {
  std::string dir;
  std::string format;
};

void run_check(const CheckArgs& args) {
  kube::ExpirationReport report = kube::check_expiration(args.dir);
  // Rounded up: a certificate issued for 8760h a moment ago has 364d left, as kubeadm shows it.
  auto now = std::chrono::ceil<std::chrono::seconds>(Clock::now());
  if (args.format == "json") {
    std::cout << kube::expiration_json(report, now).dump(2) << "\n";
  } else {
    std::cout << kube::render_expiration_text(report, now);
  }
}

struct RenewArgs {
  std::vector<std::string> names;
  std::string dir;
  std::string config;
  std::string node;
  std::string format;
  bool dry_run = false;
  KeyFlags ca_key;
  LedgerFlag ledger;
};

void run_renew(const RenewArgs& args) {
  kube::RenewOptions options;
  options.node_dir = args.dir;
  options.node_name = args.node;
  options.names = args.names;
  options.config = load_cluster_config_and_warn(args.config);
  for (const auto& ca : kube::ca_specs()) {
    for (const auto& name : args.names) {
      if (name == ca.name)
        throw Error(ErrorCode::InvalidInput,
                    "'" + name +
                        "' is a CA: certs renew never renews a CA (re-run kpki init with a new "
                        "CA and --force instead)");
    }
  }
  options.ca_key_options = args.ca_key.options;
  const LeafKeySource& keys = leaf_key_source();
  kube::Plan plan = kube::plan_renew(options, key_registry(), keys);
  if (args.dry_run) {
    if (args.format == "json") {
      std::cout << kube::plan_json(plan, true).dump(2) << "\n";
    } else {
      std::cout << "dry run: nothing is written\n" << kube::render_plan_text(plan, true);
    }
    return;
  }
  // The ledger of the node's cluster CA (DIR/pki/ca.crt): OUT/ledger.db for a node of a tree.
  auto journal = start_journal(args.ledger.for_ca_certificate(
      (std::filesystem::path(args.dir) / "pki" / "ca.crt").string()));
  options.recorder = journal.get();
  kube::Plan done;
  {
    ProgressLine progress("new keys");
    options.leaf_keys.progress = progress.callback();
    done = kube::apply_renew(plan, options, key_registry(), keys);
  }
  finish_journal(*journal);
  if (args.format == "json") {
    std::cout << kube::plan_json(done, false).dump(2) << "\n";
    return;
  }
  std::cout << kube::render_renew_text(done) << done.counts().replaced
            << " certificate(s) renewed; restart the components that use them\n";
}

}  // namespace

void add_certs_commands(CLI::App& app) {
  auto* certs = app.add_subcommand("certs", "Day-2 operations on a node's certificates");
  certs->require_subcommand(1);

  auto check = std::make_shared<CheckArgs>();
  auto* check_cmd = certs->add_subcommand(
      "check-expiration", "Expiry of every certificate and kubeconfig of a node directory");
  check_cmd->footer(example("kpki certs check-expiration --dir out/nodes/cp1 -o json"));
  check_cmd->add_option("--dir", check->dir, "Node directory (OUT/nodes/<name>)")->required();
  add_output_format_flag(*check_cmd, check->format);
  check_cmd->callback([check] { run_check(*check); });

  auto renew = std::make_shared<RenewArgs>();
  auto* renew_cmd = certs->add_subcommand(
      "renew",
      "Renew leaf certificates (new key and serial; subject/SANs/EKU from the config); never a CA");
  renew_cmd->footer(
      example("kpki certs renew apiserver etcd-server --dir out/nodes/cp1 --config cluster.yaml") +
      "\nA file that is not signed by its CA or names another identity than the config gives it "
      "is refused\n(nothing is written); kpki init --force reissues it from the config.");
  renew_cmd
      ->add_option("names", renew->names, "all, or certificate names (apiserver, admin.conf, ...)")
      ->required();
  renew_cmd->add_option("--dir", renew->dir, "Node directory (OUT/nodes/<name>)")->required();
  renew_cmd
      ->add_option("--config", renew->config,
                   "Cluster config: the source of every subject, SAN and EKU (never the old "
                   "file), validity, key algorithm, caKeys URIs")
      ->required();
  renew_cmd->add_option("--node", renew->node,
                        "The config node the directory belongs to (default: the --dir basename)");
  renew_cmd->add_flag("--dry-run", renew->dry_run,
                      "Check every file and print the plan; write nothing");
  add_output_format_flag(*renew_cmd, renew->format);
  renew->ca_key.add_to(*renew_cmd, "ca-key-");
  renew->ca_key.add_token_sessions_to(*renew_cmd);
  renew->ledger.add_to(*renew_cmd);
  renew_cmd->callback([renew] { run_renew(*renew); });
  add_certs_csr_commands(*certs);
}

}  // namespace kpki::cli
