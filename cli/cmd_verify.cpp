// kpki verify: exit 0 only when chain, validity, purpose and host all hold (and, with --crl, the
// certificate is not revoked).
#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/machine_output.h"
#include "core/util/display_text.h"
#include "core/util/error.h"
#include "core/x509/chain_verifier.h"

namespace kpki::cli {

void add_verify_command(CLI::App& app) {
  struct Args {
    std::string ca, cert, purpose, host, format;
    std::vector<std::string> crls;
  };
  auto args = std::make_shared<Args>();
  auto* cmd =
      app.add_subcommand("verify", "Verify a certificate against a CA: chain, time, purpose, host");
  cmd->footer(
      example("kpki verify --ca ca.crt apiserver.crt --purpose server --host kubernetes.default"));
  cmd->add_option("--ca", args->ca, "Trusted CA certificate(s) (PEM bundle)")->required();
  cmd->add_option("cert", args->cert, "Certificate to verify")->required();
  cmd->add_option("--purpose", args->purpose, "server or client")
      ->check(CLI::IsMember({"server", "client"}));
  cmd->add_option("--host", args->host, "DNS name or IP the certificate must cover");
  cmd->add_option("--crl", args->crls,
                  "CRL of the certificate's CA (PEM or DER; repeatable): signature, time window "
                  "and revocation are checked");
  add_output_format_flag(*cmd, args->format);
  cmd->callback([args] {
    auto cas = Certificate::load_bundle(args->ca);
    auto cert = Certificate::load(args->cert);
    VerifyOptions options;
    options.purpose = parse_purpose(args->purpose);
    options.host = args->host;
    std::vector<Crl> crls;
    for (const auto& path : args->crls) crls.push_back(Crl::load(path));
    VerifyResult result = verify_certificate(cas, cert, options, crls);
    const std::string subject = subject_to_string(cert.subject());
    auto document = output_document("VerificationResult", {{"path", args->cert},
                                                           {"subject", subject},
                                                           {"serial", cert.serial_hex()},
                                                           {"verified", result.ok},
                                                           {"reason", result.reason}});
    if (!result.ok) {
      // The document on stdout for programs, the one-line error on stderr, exit 1 either way.
      if (prints_document(args->format)) print_document(document, args->format);
      std::cerr << "kpki: " << args->cert << ": verification failed: " << result.reason << "\n";
      std::exit(1);
    }
    print_result(args->format, document, args->cert + ": OK (" + printable(subject) + ")");
  });
}

}  // namespace kpki::cli
