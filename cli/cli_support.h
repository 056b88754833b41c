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

// -o/--output: "text" (default), "json" or "yaml" (documents of docs/json.md, printed with
// cli/machine_output.h), and "csv" when `with_csv`.
void add_output_format_flag(CLI::App& cmd, std::string& format, bool with_csv = false);
// The same flag with these formats, the first the default unless `format` holds one already.
void add_output_format_flag(CLI::App& cmd, std::string& format,
                            const std::vector<std::string>& formats);

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
// The same for a run on the tree holding `tree_dir` (init's OUT, renew's node directory): the
// Kubernetes version is --kubernetes-version's (when given), else the config's, else the tree's
// record, else the newest kpki knows (core/kubernetes/tree/tree_version.h).
kube::ClusterConfig load_cluster_config_and_warn(const std::string& path,
                                                 const std::string& kubernetes_version,
                                                 const std::string& tree_dir);
// --kubernetes-version VERSION (init, certs renew).
void add_kubernetes_version_flag(CLI::App& cmd, std::string& version);

// Example text appended to a verb's help.
std::string example(const std::string& text);

}  // namespace kpki::cli
