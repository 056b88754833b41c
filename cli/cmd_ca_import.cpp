// kpki ca import: existing CA keys onto a PKCS#11 token (issue 12;
// core/kubernetes/import/import.h). One key (--key/--cert/--to) or a whole tree's three CA keys
// (--dir/--config/--token-uri).
#include <filesystem>
#include <iostream>
#include <sstream>

#include "backends/backends.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/machine_output.h"
#include "core/kubernetes/import/import.h"
#include "core/kubernetes/plan/plan_output.h"
#include "core/util/error.h"

namespace kpki::cli {

namespace {

struct CaImportArgs {
  std::string key, cert, to;                       // one key
  std::string dir, config, token_uri, out_config;  // a whole tree
  bool remove_source = false;
  bool dry_run = false;
  std::string format;
  KeyFlags key_flags;
};

void run_ca_import(const CaImportArgs& args) {
  const bool single = !args.key.empty() || !args.cert.empty() || !args.to.empty();
  const bool tree = !args.dir.empty() || !args.config.empty() || !args.token_uri.empty() ||
                    !args.out_config.empty();
  if (single == tree) {
    throw Error(ErrorCode::InvalidInput,
                "give either --key, --cert and --to (one key) or --dir, --config, --token-uri and "
                "--out-config (a whole tree)");
  }
  const KeyOptions& options = args.key_flags.options;
  kube::ImportRequest request;
  if (single) {
    if (args.key.empty() || args.cert.empty() || args.to.empty())
      throw Error(ErrorCode::InvalidInput, "one-key import needs --key, --cert and --to");
    request = kube::SingleImportRequest{args.key, args.cert, args.to, args.remove_source};
  } else {
    if (args.dir.empty() || args.config.empty() || args.token_uri.empty() ||
        args.out_config.empty())
      throw Error(ErrorCode::InvalidInput,
                  "whole-tree import needs --dir, --config, --token-uri and --out-config");
    kube::TreeImportRequest tree;
    tree.dir = args.dir;
    tree.config = load_cluster_config_and_warn(args.config);
    // The new config may live elsewhere: its PIN file path must not depend on where we run.
    tree.token_uri = kube::resolve_key_uri(args.token_uri, std::filesystem::current_path().string(),
                                           key_registry());
    tree.out_config = args.out_config;
    tree.remove_source = args.remove_source;
    request = std::move(tree);
  }
  const kube::Plan plan = kube::plan_import(request, key_registry(), options, options);
  if (prints_document(args.format)) {
    // The steps' lines are for people; the report lists the same steps.
    std::ostringstream steps;
    const kube::Plan shown =
        args.dry_run ? plan
                     : kube::apply_import(plan, request, key_registry(), options, options, steps);
    print_document(kube::plan_json(shown, args.dry_run), args.format);
    return;
  }
  if (args.dry_run) std::cout << "dry run: nothing is written or imported\n";
  std::cout << kube::render_plan_text(plan, args.dry_run);
  if (!args.remove_source) std::cout << "keep            source key files  (no --remove-source)\n";
  std::cout << (args.dry_run ? "plan: " : "") << kube::render_key_import_counts(plan) << "\n"
            << std::flush;
  if (args.dry_run) return;
  kube::apply_import(plan, request, key_registry(), options, options, std::cout);
}

}  // namespace

void add_ca_import_command(CLI::App& ca) {
  auto args = std::make_shared<CaImportArgs>();
  auto* cmd =
      ca.add_subcommand("import",
                        "Move existing CA keys (files, botan:) onto a PKCS#11 token, sign-only and "
                        "non-extractable");
  cmd->footer(example(
      "kpki ca import --key pki/ca.key --cert pki/ca.crt --to "
      "'pkcs11:token=kube-ca;object=kubernetes-ca?pin-source=file:pin' --remove-source\n"
      "  kpki ca import --dir out --config cluster.yaml --token-uri "
      "'pkcs11:token=kube-ca?pin-source=file:pin' --out-config cluster-hsm.yaml --remove-source"));
  cmd->add_option("--key", args->key, "The key to import: PATH, file:PATH or botan:PATH");
  cmd->add_option("--cert", args->cert, "Its CA certificate (the token key must match it)");
  cmd->add_option("--to", args->to, "Target: pkcs11:token=...;object=LABEL?pin-source=...");
  cmd->add_option("--dir", args->dir, "Whole tree: the kpki init output directory (OUT)");
  cmd->add_option("--config", args->config, "Whole tree: the cluster config OUT was made from");
  cmd->add_option("--token-uri", args->token_uri,
                  "Whole tree: the token, pkcs11:token=...?pin-source=... (labels kubernetes-ca, "
                  "etcd-ca, front-proxy-ca)");
  cmd->add_option("--out-config", args->out_config,
                  "Whole tree: write the config with caKeys on the token here");
  cmd->add_flag("--remove-source", args->remove_source,
                "After the token key is proven, overwrite and unlink every copy of the key file");
  cmd->add_flag("--dry-run", args->dry_run, "Print the plan; import, write and remove nothing");
  add_output_format_flag(*cmd, args->format);
  args->key_flags.add_to(*cmd, "key-");
  cmd->callback([args] { run_ca_import(*args); });
}

}  // namespace kpki::cli
