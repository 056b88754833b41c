// kpki kubeconfig user: a kubeconfig for a new user, signed by the cluster CA, written 0600 to
// --out (or on stdout).
#include <iostream>

#include "backends/leaf_key_sources.h"
#include "cli/cli_model.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/ledger_flags.h"
#include "cli/machine_output.h"
#include "core/fs/file_io.h"
#include "core/issue/file_group.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/util/display_text.h"
#include "core/util/duration.h"
#include "core/util/time_format.h"

namespace kpki::cli {

namespace {

struct UserArgs {
  std::string client_name;
  std::vector<std::string> orgs;
  std::string validity = "8760h";
  std::string ca_cert, ca_key, server;
  std::string cluster_name = "kubernetes";
  std::string algorithm = "rsa-2048";
  std::string out, format;
  bool force = false;
  KeyFlags ca_key_flags;
  LedgerFlag ledger;
};

void run_user(const UserArgs& args) {
  if (args.client_name.empty())
    throw Error(ErrorCode::InvalidInput, "--client-name must not be empty");
  if (args.server.rfind("https://", 0) != 0)
    throw Error(ErrorCode::InvalidInput,
                "--server '" + args.server + "': expected https://HOST:PORT");
  if (args.out.empty() && prints_document(args.format))
    throw Error(ErrorCode::InvalidInput,
                "-o " + args.format + " needs --out: without it the kubeconfig is the output");
  auto validity = parse_duration(args.validity, "--validity");
  Algorithm algorithm = parse_algorithm(args.algorithm);
  auto journal = start_journal(args.ledger.for_ca_certificate(args.ca_cert));
  // The operator names the user with their own flags: trusted_requests().
  Authority ca = load_authority(args.ca_cert, args.ca_key, args.ca_key_flags.options, journal.get(),
                                trusted_requests());
  kube::LeafSpec spec;
  spec.name = "user";
  spec.kind = kube::LeafKind::Kubeconfig;
  spec.subject.common_name = args.client_name;
  spec.subject.organizations = args.orgs;
  spec.profile = Profile::Client;
  LeafKey key = leaf_key_source(LeafKeyLibrary::OpenSsl).generate(algorithm);
  Issued issued = ca.issue(kube::leaf_request(spec, *key.signer, validity));
  const Certificate& cert = issued.certificate;
  kube::Kubeconfig config{args.cluster_name,      args.server, args.client_name,
                          ca.certificate().pem(), cert.pem(),  key.pem.reveal()};
  Secret rendered(kube::render_kubeconfig(config));
  if (args.out.empty()) {
    const CarriedCertificate out{"-", issued.record};
    record_before_install({&out, 1});  // recorded before it leaves the process
    std::cout << rendered.reveal() << std::flush;
    finish_journal(*journal);
    return;
  }
  // It holds the user's private key: owner-only, whatever the umask.
  write_recorded_file(args.out, rendered.reveal(), 0600,
                      args.force ? Overwrite::Yes : Overwrite::No, issued.record);
  finish_journal(*journal);
  print_result(
      args.format,
      output_document("UserKubeconfig", {{"path", args.out},
                                         {"user", args.client_name},
                                         {"groups", args.orgs},
                                         {"server", args.server},
                                         {"cluster", args.cluster_name},
                                         {"serial", cert.serial_hex()},
                                         {"notAfter", format_utc(cert.not_after(), kIsoUtc)},
                                         {"fingerprintSHA256", cert.fingerprint_sha256()}}),
      "wrote " + args.out + " (user " + printable(args.client_name) + ", serial " +
          cert.serial_hex() + ")");
}

}  // namespace

void add_kubeconfig_commands(CLI::App& app) {
  auto* group = app.add_subcommand("kubeconfig", "Kubeconfig files");
  group->require_subcommand(1);
  auto args = std::make_shared<UserArgs>();
  auto* user = group->add_subcommand(
      "user", "Print a kubeconfig for a user with a client certificate signed by the cluster CA");
  user->footer(
      example("kpki kubeconfig user --client-name jane --org developers --validity 720h --ca-cert "
              "out/pki/ca.crt --ca-key out/pki/ca.key --server https://k8s.example.com:6443 --out "
              "jane.conf"));
  user->add_option("--client-name", args->client_name, "User name (certificate CN)")->required();
  user->add_option("--org", args->orgs, "Group (certificate O); repeatable");
  user->add_option("--validity,--validity-period", args->validity, "Lifetime, e.g. 720h")
      ->capture_default_str();
  user->add_option("--ca-cert", args->ca_cert, "Cluster CA certificate (ca.crt)")->required();
  user->add_option("--ca-key", args->ca_key, "Cluster CA key URI")->required();
  user->add_option("--server", args->server, "API server URL, https://HOST:PORT")->required();
  user->add_option("--cluster-name", args->cluster_name, "Cluster name")->capture_default_str();
  user->add_option("--algorithm", args->algorithm, "Client key algorithm")
      ->capture_default_str()
      ->check(algorithm_choices());
  user->add_option("--out", args->out,
                   "Write the kubeconfig here, mode 0600 (default: standard output)");
  user->add_flag("--force", args->force, "Replace an existing --out file");
  add_output_format_flag(*user, args->format);
  args->ca_key_flags.add_to(*user, "ca-key-");
  args->ledger.add_to(*user);
  user->callback([args] { run_user(*args); });
}

}  // namespace kpki::cli
