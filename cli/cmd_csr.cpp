// kpki csr: a PKCS#10 request for a key at any URI (generated when absent).
#include <iostream>

#include "backends/backends.h"
#include "cli/cli_model.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/subject_flags.h"
#include "core/fs/file_io.h"
#include "core/issue/csr.h"
#include "core/util/error.h"
#include "core/x509/subject_alt_names.h"

namespace kpki::cli {

namespace {

struct CsrArgs {
  std::string key_uri, out;
  std::string algorithm = "ecdsa-p256";
  bool force = false;
  SubjectFlags subject;
  KeyFlags key;
};

void run_csr(const CsrArgs& args) {
  Algorithm algorithm = parse_algorithm(args.algorithm);
  validate_subject_alt_names(args.subject.sans);
  ensure_writable(args.out, args.force);
  auto signer = key_registry().open_or_generate(args.key_uri, algorithm, args.key.options);
  std::string pem = make_csr_pem(args.subject.subject, args.subject.sans, *signer);
  write_file_atomic(args.out, pem, 0644, args.force ? Overwrite::Yes : Overwrite::No);
  std::cerr << "wrote " << args.out << "\n";
}

}  // namespace

void add_csr_command(CLI::App& app) {
  auto args = std::make_shared<CsrArgs>();
  auto* cmd =
      app.add_subcommand("csr", "Make a PKCS#10 CSR; the key at --key is generated if absent");
  cmd->footer(
      example("kpki csr --key node.key --cn system:node:w1 --org system:nodes --out node.csr"));
  cmd->add_option("--key", args->key_uri, "Key URI")->required();
  cmd->add_option("--out", args->out, "CSR output (PEM)")->required();
  cmd->add_option("--algorithm", args->algorithm, "Key algorithm when generated")
      ->check(algorithm_choices())
      ->capture_default_str();
  cmd->add_flag("--force", args->force, "Replace an existing --out file");
  args->subject.add_to(*cmd, false);
  args->key.add_to(*cmd, "key-");
  cmd->callback([args] { run_csr(*args); });
}

}  // namespace kpki::cli
