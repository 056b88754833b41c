// kpki: issue a Kubernetes cluster's PKI with keys in files, Botan or a PKCS#11 token.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/error_hints.h"
#include "cli/exit_codes.h"
#include "cli/terminal_prompt.h"
#include "cli/unknown_arguments.h"
#include "core/util/display_text.h"
#include "core/util/error.h"
#include "core/util/interruption.h"
#include "core/util/key_uri_display.h"

int main(int argc, char** argv) {
  kpki::install_secret_prompt(kpki::terminal_prompt_secret);
  CLI::App app{
      "kpki: issue X.509 certificates and whole Kubernetes PKI trees through pluggable "
      "crypto backends (OpenSSL files, Botan, PKCS#11 tokens)"};
  app.set_version_flag("--version", std::string("kpki ") + KPKI_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  // One line, like every other kpki error.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "kpki: error: " + kpki::printable(kpki::redact_key_uris_in_text(e.what())) +
           " (see --help)\n";
  });

  kpki::cli::add_ca_commands(app);
  kpki::cli::add_key_commands(app);
  kpki::cli::add_issue_command(app);
  kpki::cli::add_sign_command(app);
  kpki::cli::add_csr_command(app);
  kpki::cli::add_inspect_command(app);
  kpki::cli::add_verify_command(app);
  kpki::cli::add_init_command(app);
  kpki::cli::add_certs_commands(app);
  kpki::cli::add_kubeconfig_commands(app);
  kpki::cli::add_ledger_commands(app);
  kpki::cli::add_revoke_command(app);
  kpki::cli::add_crl_command(app);
  kpki::cli::add_hsm_commands(app);
  kpki::cli::add_bench_command(app);
  kpki::cli::add_completion_commands(app);  // last: it describes every verb above

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A typo first: "A subcommand is required" must not answer `kpki iniit`.
    if (auto message = kpki::cli::unknown_argument_message(app, e)) {
      std::cerr << "kpki: error: " << kpki::printable(kpki::redact_key_uris_in_text(*message))
                << "\n";
      return 2;
    }
    // --help and --version exit 0; every usage error is 2, whatever CLI11's internal code.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const kpki::Error& e) {
    // Errors name URIs already redacted; this catches any that did not (a backstop).
    std::cerr << "kpki: error: " << kpki::printable(kpki::redact_key_uris_in_text(e.what()))
              << kpki::cli::hint_for(e, app) << "\n";
    // Ended by Ctrl-C / SIGTERM / SIGHUP (core/util/interruption.h): 128 + the signal, as a shell
    // says.
    if (int sig = kpki::stop_signal()) return 128 + sig;
    return kpki::cli::exit_code_for(e.code());
  } catch (const std::exception& e) {
    std::cerr << "kpki: error: " << kpki::printable(kpki::redact_key_uris_in_text(e.what()))
              << "\n";
    return 1;
  }
  return 0;
}
