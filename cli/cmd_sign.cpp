// kpki sign: certify the key of a PKCS#10 CSR. Subject and SANs come from the CSR; key usage,
// EKU and basicConstraints always come from the profile.
#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "core/csr.h"
#include "core/display_text.h"
#include "core/duration.h"
#include "core/error.h"
#include "core/profiles.h"

namespace kpki::cli {

namespace {

struct SignArgs {
  std::string ca_cert, ca_key, csr, profile, out;
  std::string validity = "8760h";
  bool force = false;
  KeyFlags ca_key_flags;
};

void run_sign(const SignArgs& args) {
  Profile profile = parse_profile(args.profile);
  if (profile == Profile::Ca)
    throw Error(ErrorCode::InvalidInput, "--profile ca: kpki does not sign CA CSRs");
  Validity validity = Validity::from_now(parse_duration(args.validity, "--validity"), "--validity");
  ensure_writable(args.out, args.force);
  SigningRequest csr = load_csr(args.csr);
  KeyType subject_key = check_public_key_policy(csr.public_key_der, args.csr);
  CertificateAuthority ca =
      load_certificate_authority(args.ca_cert, args.ca_key, args.ca_key_flags.options);

  CertificateRequest request;
  request.subject = csr.subject;
  request.sans = csr.sans;
  request.subject_public_key = csr.public_key_der;
  apply_profile(profile, subject_key, request);
  request.validity = validity;
  Certificate leaf = ca.issue(request);
  write_certificate(args.out, leaf, args.force);
  std::cerr << "wrote " << args.out << " (" << profile_name(profile) << ", "
            << printable(subject_to_string(request.subject)) << ", serial " << leaf.serial_hex()
            << ")\n";
}

}  // namespace

void add_sign_command(CLI::App& app) {
  auto args = std::make_shared<SignArgs>();
  auto* cmd = app.add_subcommand("sign", "Sign a PKCS#10 CSR (its signature is checked first)");
  cmd->footer(example(
      "kpki sign --ca-cert ca.crt --ca-key ca.key --csr node.csr --profile client --out node.crt"));
  cmd->add_option("--ca-cert", args->ca_cert, "CA certificate (PEM)")->required();
  cmd->add_option("--ca-key", args->ca_key, "CA key URI")->required();
  cmd->add_option("--csr", args->csr, "CSR file (PEM or DER)")->required();
  cmd->add_option("--profile", args->profile, "server, client or peer")->required();
  cmd->add_option("--out", args->out, "Certificate output (PEM)")->required();
  cmd->add_option("--validity", args->validity, "Lifetime, e.g. 8760h or 90d")
      ->capture_default_str();
  cmd->add_flag("--force", args->force, "Replace an existing --out file");
  args->ca_key_flags.add_to(*cmd, "ca-key-");
  cmd->callback([args] { run_sign(*args); });
}

}  // namespace kpki::cli
