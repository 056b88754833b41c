#pragma once
// What several verbs share: key-option flags, loading a CA (certificate + key URI), reading
// SAN flags, writing outputs. Verbs stay thin: parse flags, call core, write files.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/issue/authority.h"
#include "core/keys/key_manager.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/util/error.h"

namespace kpki::cli {

// Flags that tune how a key URI is opened: --<prefix>passphrase-file and --pkcs11-module.
struct KeyFlags {
  KeyOptions options;
  void add_to(CLI::App& cmd, const std::string& prefix);
  // --token-sessions N, for the verbs that sign a tree's certificates (init, renew, rotate).
  void add_token_sessions_to(CLI::App& cmd);
};

// Output format flag shared by inspect, hsm and certs: "text" (default) or "json".
void add_output_format_flag(CLI::App& cmd, std::string& format, bool with_csv = false);

// Opens the CA key and certificate and checks they belong together and may issue. The Authority
// certifies what `policy` allows and records what it signs with `recorder` (null: nowhere).
Authority load_authority(const std::string& ca_cert_path, const std::string& ca_key_uri,
                         const KeyOptions& key_options, IssuanceRecorder* recorder,
                         std::shared_ptr<const IssuancePolicy> policy = trusted_requests());

// Writes a newly signed certificate's PEM (0644), its record stored first. Errors if present
// unless `force`.
void write_certificate(const std::string& path, const Issued& issued, bool force);

// Fails early (before any key is made) when an output exists and --force was not given.
void ensure_writable(const std::string& path, bool force);

// Loads a cluster config and prints its warnings ("kpki: warning: ...") to stderr.
kube::ClusterConfig load_cluster_config_and_warn(const std::string& path);

// Example text appended to a verb's help.
std::string example(const std::string& text);

}  // namespace kpki::cli
