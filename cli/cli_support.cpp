#include "cli/cli_support.h"

#include <iostream>

#include "backends/backends.h"
#include "core/fs/file_io.h"
#include "core/issue/file_group.h"
#include "core/util/display_text.h"
#include "core/util/error.h"

namespace kpki::cli {

void KeyFlags::add_to(CLI::App& cmd, const std::string& prefix) {
  // Named after the key flag it serves: `issue` has one for --ca-key and one for --key.
  std::string key = prefix.empty() ? "key" : "--" + prefix.substr(0, prefix.size() - 1);
  cmd.add_option("--" + prefix + "passphrase-file", options.passphrase_file,
                 "File holding the passphrase of the " + key +
                     " file when encrypted (never on the command line)")
      ->check(CLI::ExistingFile);
  if (!cmd.get_option_no_throw("--pkcs11-module")) {
    cmd.add_option(
        "--pkcs11-module", options.pkcs11_module,
        "PKCS#11 module for pkcs11: URIs without module-path (default: $KPKI_PKCS11_MODULE, "
        "then the one module p11-kit registers, or softhsm2)");
  }
}

void KeyFlags::add_token_sessions_to(CLI::App& cmd) {
  cmd.add_option("--token-sessions", options.token_sessions,
                 "Signatures in flight at once on a CA key's token, one session each (default: " +
                     std::to_string(kDefaultTokenSessions) +
                     "; fewer when the token allows fewer sessions)")
      ->check(CLI::Range(1, 1024));
}

void add_output_format_flag(CLI::App& cmd, std::string& format, bool with_csv) {
  format = "text";
  auto* opt = cmd.add_option("-o,--output", format, "Output format");
  if (with_csv) {
    opt->check(CLI::IsMember({"text", "json", "csv"}));
  } else {
    opt->check(CLI::IsMember({"text", "json"}));
  }
}

Authority load_authority(const std::string& ca_cert_path, const std::string& ca_key_uri,
                         const KeyOptions& key_options, IssuanceRecorder* recorder,
                         std::shared_ptr<const IssuancePolicy> policy) {
  Certificate ca_cert = Certificate::load(ca_cert_path);
  KeyManager& manager = key_registry().manager_for(ca_key_uri);
  std::shared_ptr<const Signer> signer = manager.open(ca_key_uri, key_options);
  return Authority(std::move(ca_cert), std::move(signer),
                   {ca_key_uri, std::move(policy), recorder,
                    "CA certificate '" + ca_cert_path + "'", key_registry().scheme_of(ca_key_uri)});
}

void ensure_writable(const std::string& path, bool force) {
  if (!force && file_exists(path)) {
    throw file_already_exists(path);
  }
}

void write_certificate(const std::string& path, const Issued& issued, bool force) {
  write_recorded_file(path, issued.certificate.pem(), 0644, force ? Overwrite::Yes : Overwrite::No,
                      issued.record);
}

kube::ClusterConfig load_cluster_config_and_warn(const std::string& path) {
  kube::ClusterConfig config = kube::load_cluster_config(path, key_registry());
  for (const auto& warning : config.warnings)
    std::cerr << "kpki: warning: " << printable(warning) << "\n";
  return config;
}

std::string example(const std::string& text) { return "\nExample:\n  " + text + "\n"; }

}  // namespace kpki::cli
