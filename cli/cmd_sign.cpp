// kpki sign: certify the key of a PKCS#10 CSR. Subject and SANs come from the CSR, checked
// against the name policy (core/policy, docs/policy.md); key usage, EKU and basicConstraints
// always come from the profile.
#include <iostream>

#include "cli/cli_model.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/doc_path.h"
#include "cli/leaf_profile.h"
#include "cli/ledger_flags.h"
#include "cli/machine_output.h"
#include "cli/result_documents.h"
#include "core/issue/csr.h"
#include "core/issue/profiles.h"
#include "core/policy/csr_name_policy.h"
#include "core/policy/name_patterns.h"
#include "core/policy/name_policy.h"
#include "core/policy/policy_file.h"
#include "core/util/display_text.h"
#include "core/util/duration.h"
#include "core/util/error.h"

namespace kpki::cli {

namespace {

struct SignArgs {
  std::string ca_cert, ca_key, csr, profile, out;
  std::string validity = "8760h";
  bool force = false;
  std::string format;
  KeyFlags ca_key_flags;
  std::string policy_file;
  std::vector<std::string> allow_groups, deny_ips;
  bool allow_wildcard = false;
  LedgerFlag ledger;
};

policy::NamePolicy build_policy(const SignArgs& args) {
  policy::NamePolicy p;
  if (!args.policy_file.empty()) p = policy::load_policy_file(args.policy_file);
  for (const auto& group : args.allow_groups) {
    policy::validate_rule("organizations", group, "--allow-group");
    p.allowed_groups.push_back(group);
  }
  for (const auto& range : args.deny_ips) {
    policy::validate_ip_range(range, "--deny-ip");
    p.ips.deny.push_back({range, "--deny-ip"});
  }
  p.allow_wildcard_dns = p.allow_wildcard_dns || args.allow_wildcard;
  return p;
}

// The core error says what was refused; how to lift a default refusal is the CLI's to say.
void enforce_policy(const policy::NamePolicy& p, const SigningRequest& csr,
                    const std::string& path) {
  try {
    policy::enforce_name_policy(p, csr.subject, csr.sans, path);
  } catch (const policy::PolicyError& e) {
    std::string hint;
    switch (e.refusal()) {
      case policy::Refusal::SystemGroup:
        hint = "; use --allow-group NAME if this requester may act as that group";
        break;
      case policy::Refusal::WildcardDns:
        hint = "; use --allow-wildcard to certify wildcard names";
        break;
      case policy::Refusal::ReservedUser:
      case policy::Refusal::ReservedDns:
      case policy::Refusal::ServiceIp:
        hint = "; list it under allowReserved: in a --policy file to certify it (" +
               doc_path("docs/policy.md") + ")";
        break;
      default:
        break;
    }
    throw Error(e.code(), e.message() + hint, e.cause());
  }
}

void run_sign(const SignArgs& args) {
  Profile profile = parse_leaf_profile(args.profile);
  if (profile == Profile::Ca)
    throw Error(ErrorCode::InvalidInput, "--profile ca: kpki does not sign CA CSRs");
  Validity validity = Validity::from_now(parse_duration(args.validity, "--validity"), "--validity");
  ensure_writable(args.out, args.force);
  policy::NamePolicy name_policy = build_policy(args);
  SigningRequest csr = load_csr(args.csr);
  // Checked here first, with the hint how to lift a refusal, so a refused CSR never opens the
  // CA key (or asks for its PIN); the Authority checks the request under the same policy.
  enforce_policy(name_policy, csr, args.csr);
  KeyType subject_key = check_public_key_policy(csr.public_key_der, args.csr);
  auto journal = start_journal(args.ledger.for_ca_certificate(args.ca_cert));
  Authority ca =
      load_authority(args.ca_cert, args.ca_key, args.ca_key_flags.options, journal.get(),
                     std::make_shared<policy::CsrNamePolicy>(std::move(name_policy), args.csr));

  CertificateRequest request;
  request.subject = csr.subject;
  request.sans = csr.sans;
  request.subject_public_key = csr.public_key_der;
  apply_profile(profile, subject_key, request);
  request.validity = validity;
  Issued issued = ca.issue(request);
  const Certificate& leaf = issued.certificate;
  write_certificate(args.out, issued, args.force);
  finish_journal(*journal);
  const std::string profile_text(profile_name(profile));
  print_result(args.format, issued_certificate_document(args.out, leaf, profile_text, nullptr),
               issued_certificate_line(args.out, leaf, profile_text));
}

}  // namespace

void add_sign_command(CLI::App& app) {
  auto args = std::make_shared<SignArgs>();
  auto* cmd = app.add_subcommand("sign", "Sign a PKCS#10 CSR (its signature is checked first)");
  cmd->footer(example(
      "kpki sign --ca-cert ca.crt --ca-key ca.key --csr node.csr --profile client --out node.crt "
      "--policy policy.yaml --allow-group system:nodes"));
  cmd->add_option("--ca-cert", args->ca_cert, "CA certificate (PEM)")->required();
  cmd->add_option("--ca-key", args->ca_key, "CA key URI")->required();
  cmd->add_option("--csr", args->csr, "CSR file (PEM or DER)")->required();
  cmd->add_option("--profile", args->profile, kLeafProfilesHelp)
      ->required()
      ->check(choices(kLeafProfiles));
  cmd->add_option("--out", args->out, "Certificate output (PEM)")->required();
  cmd->add_option("--validity", args->validity, "Lifetime, e.g. 8760h or 90d")
      ->capture_default_str();
  cmd->add_flag("--force", args->force, "Replace an existing --out file");
  add_output_format_flag(*cmd, args->format);
  cmd->add_option(
      "--policy", args->policy_file,
      "Name policy (YAML: allow/deny per name type, " + doc_path("docs/policy.md") + ")");
  cmd->add_option("--allow-group", args->allow_groups,
                  "Certify this Kubernetes system: group (O=) anyway (repeatable)");
  cmd->add_flag("--allow-wildcard", args->allow_wildcard, "Certify wildcard DNS names (*.x)");
  cmd->add_option("--deny-ip", args->deny_ips,
                  "Refuse IP SANs in this CIDR, e.g. your service subnet (repeatable)");
  args->ca_key_flags.add_to(*cmd, "ca-key-");
  args->ledger.add_to(*cmd);
  cmd->callback([args] { run_sign(*args); });
}

}  // namespace kpki::cli
