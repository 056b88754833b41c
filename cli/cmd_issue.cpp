// kpki issue: a leaf certificate for a key at any URI (generated when absent), signed by a CA.
#include "backends/backends.h"
#include "cli/cli_model.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/leaf_profile.h"
#include "cli/ledger_flags.h"
#include "cli/machine_output.h"
#include "cli/result_documents.h"
#include "cli/subject_flags.h"
#include "core/fs/file_io.h"
#include "core/issue/profiles.h"
#include "core/keys/key_registry.h"
#include "core/util/duration.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"
#include "core/x509/subject_alt_names.h"

namespace kpki::cli {

namespace {

struct IssueArgs {
  std::string ca_cert, ca_key, profile, key_uri, out;
  std::string algorithm = "ecdsa-p256";
  std::string validity = "8760h";
  bool force = false;
  std::string format;
  SubjectFlags subject;
  KeyFlags ca_key_flags, key_flags;
  LedgerFlag ledger;
};

void run_issue(IssueArgs& args) {
  Profile profile = parse_leaf_profile(args.profile);
  if (profile == Profile::Ca)
    throw Error(ErrorCode::InvalidInput, "--profile ca: use 'kpki ca create' for CAs");
  Algorithm algorithm = parse_algorithm(args.algorithm);
  Validity validity = Validity::from_now(parse_duration(args.validity, "--validity"), "--validity");
  validate_subject_alt_names(args.subject.sans);
  ensure_writable(args.out, args.force);
  // pkcs11 module flag is shared by both keys.
  args.key_flags.options.pkcs11_module = args.ca_key_flags.options.pkcs11_module;
  auto journal = start_journal(args.ledger.for_ca_certificate(args.ca_cert));
  // The operator names the certificate with their own flags: trusted_requests().
  Authority ca = load_authority(args.ca_cert, args.ca_key, args.ca_key_flags.options, journal.get(),
                                trusted_requests());

  CreatedFiles rollback;
  bool created = false;
  auto signer =
      key_registry().open_or_generate(args.key_uri, algorithm, args.key_flags.options, &created);
  if (auto file = key_registry().scheme_for(args.key_uri).key_file(args.key_uri); created && file)
    rollback.add(*file);

  CertificateRequest request;
  request.subject = args.subject.subject;
  request.sans = args.subject.sans;
  request.subject_public_key = signer->public_key_der();
  apply_profile(profile, key_type(signer->algorithm()), request);
  request.validity = validity;
  Issued issued = ca.issue(request);
  const Certificate& leaf = issued.certificate;
  write_certificate(args.out, issued, args.force);
  rollback.commit();
  finish_journal(*journal);
  const std::string profile_text(profile_name(profile));
  print_message(key_message(args.key_uri, signer->algorithm(), created));
  print_result(args.format,
               issued_certificate_document(args.out, leaf, profile_text,
                                           key_json(args.key_uri, signer->algorithm(), created)),
               issued_certificate_line(args.out, leaf, profile_text));
}

}  // namespace

void add_issue_command(CLI::App& app) {
  auto args = std::make_shared<IssueArgs>();
  auto* cmd = app.add_subcommand(
      "issue", "Issue a leaf certificate; the key at --key is generated if absent");
  cmd->footer(
      example("kpki issue --ca-cert ca.crt --ca-key ca.key --profile server --cn kube-apiserver "
              "--dns kubernetes --ip 10.96.0.1 --key apiserver.key --out apiserver.crt"));
  cmd->add_option("--ca-cert", args->ca_cert, "CA certificate (PEM)")->required();
  cmd->add_option("--ca-key", args->ca_key, "CA key URI")->required();
  cmd->add_option("--profile", args->profile, kLeafProfilesHelp)
      ->required()
      ->check(choices(kLeafProfiles));
  cmd->add_option("--key", args->key_uri, "Leaf key URI")->required();
  cmd->add_option("--out", args->out, "Certificate output (PEM)")->required();
  cmd->add_option("--algorithm", args->algorithm, "Leaf key algorithm when generated")
      ->check(algorithm_choices())
      ->capture_default_str();
  cmd->add_option("--validity", args->validity, "Lifetime, e.g. 8760h or 90d")
      ->capture_default_str();
  cmd->add_flag("--force", args->force, "Replace an existing --out file");
  add_output_format_flag(*cmd, args->format);
  args->subject.add_to(*cmd, true);
  args->ca_key_flags.add_to(*cmd, "ca-key-");
  args->key_flags.add_to(*cmd, "key-");
  args->ledger.add_to(*cmd);
  cmd->callback([args] { run_issue(*args); });
}

}  // namespace kpki::cli
