// kpki csr: a PKCS#10 request for a key at any URI (generated when absent).
#include "backends/backends.h"
#include "cli/cli_model.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/machine_output.h"
#include "cli/result_documents.h"
#include "cli/subject_flags.h"
#include "core/fs/file_io.h"
#include "core/issue/csr.h"
#include "core/util/display_text.h"
#include "core/util/error.h"
#include "core/x509/subject_alt_names.h"

namespace kpki::cli {

namespace {

struct CsrArgs {
  std::string key_uri, out;
  std::string algorithm = "ecdsa-p256";
  bool force = false;
  std::string format;
  SubjectFlags subject;
  KeyFlags key;
};

void run_csr(const CsrArgs& args) {
  Algorithm algorithm = parse_algorithm(args.algorithm);
  validate_subject_alt_names(args.subject.sans);
  ensure_writable(args.out, args.force);
  // A key made here is removed again when the CSR cannot be made (a subject refused).
  CreatedFiles rollback;
  bool created = false;
  auto signer =
      key_registry().open_or_generate(args.key_uri, algorithm, args.key.options, &created);
  if (auto file = key_registry().scheme_for(args.key_uri).key_file(args.key_uri); created && file)
    rollback.add(*file);
  std::string pem = make_csr_pem(args.subject.subject, args.subject.sans, *signer);
  write_file_atomic(args.out, pem, 0644, args.force ? Overwrite::Yes : Overwrite::No);
  rollback.commit();
  // Said, not silent: a mistyped --key makes a new key rather than the CSR the user meant.
  print_message(key_message(args.key_uri, signer->algorithm(), created));
  std::string subject = subject_to_string(args.subject.subject);
  std::string sans = sans_text(args.subject.sans);
  print_result(
      args.format,
      output_document("WrittenCertificateRequest",
                      {{"path", args.out},
                       {"subject", subject},
                       {"publicKeySHA256", sha256_fingerprint(signer->public_key_der())},
                       {"key", key_json(args.key_uri, signer->algorithm(), created)}}),
      "wrote " + args.out + " (" + printable(subject) + (sans.empty() ? "" : ", " + sans) + ")");
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
  add_output_format_flag(*cmd, args->format);
  args->subject.add_to(*cmd, false);
  args->key.add_to(*cmd, "key-");
  cmd->callback([args] { run_csr(*args); });
}

}  // namespace kpki::cli
