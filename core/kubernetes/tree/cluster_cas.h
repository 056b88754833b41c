#pragma once
// The three CAs of a cluster (ca, etcd-ca, front-proxy-ca) as `kpki init` needs them: the key at
// its caKeys URI (generated when absent), the certificate under OUT/pki (reused when it exists and
// belongs to the key), one Authority each, built once and shared by every node. Each CA is
// self-signed, or with the config's rootCA an intermediate (pathLenConstraint 0) that the root's
// Authority signs and records in the root's ledger; its files then carry the chain (ca_chain.h).
// Planning reads what is there (read_cluster_cas, plan_cluster_cas); applying builds them.
#include <array>
#include <memory>
#include <optional>
#include <string>

#include "core/fs/file_io.h"
#include "core/issue/authority.h"
#include "core/keys/key_manager.h"
#include "core/keys/key_registry.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/plan/plan.h"
#include "core/kubernetes/tree/ca_chain.h"

namespace kpki::kube {

// One CA as found on disk / on its token, before anything is decided.
struct FoundCa {
  const CaSpec* spec = nullptr;
  std::string key_uri;
  std::string cert_path;                 // OUT/pki/<name>.crt
  std::string key_file;                  // the key's path when it is a plain key file
  std::shared_ptr<const Signer> signer;  // the existing key, opened; null when absent
  std::optional<Certificate> cert;       // the existing certificate
};

struct ClusterCa {
  const CaSpec* spec = nullptr;
  std::string key_file;                // the key's path when it is a plain key file
  std::optional<Authority> authority;  // none only in a plan of a CA still to be made
  CaFiles files;                       // what its certificate file and leaves carry
};

// The certificates of the config's rootCA file (the root first); empty without a rootCA.
std::vector<Certificate> read_root_ca(const ClusterConfig& config);

// The rootCA's Authority (its key opened with `key_options`), recording what it signs with
// `recorder` (the root's ledger). Only for a config with a rootCA.
Authority open_root_ca(const ClusterConfig& config, const KeyRegistry& registry,
                       const KeyOptions& key_options, IssuanceRecorder* recorder);

// An intermediate CA certificate for `spec`'s key (`signer`) signed by `root`:
// pathLenConstraint 0, the config's CA validity (capped at the root's own).
Issued issue_intermediate_ca(const ClusterConfig& config, const CaSpec& spec, const Signer& signer,
                             const Authority& root);

// The caKeys URI of `spec`, or the default key file under `dir` (OUT, or a node directory).
std::string ca_key_uri(const ClusterConfig& config, const CaSpec& spec, const std::string& dir);

// What a tree's authorities certify: the identities of the certificate table (cert_specs.h),
// which kpki builds from the config itself; no request comes from anyone else.
std::shared_ptr<const IssuancePolicy> certificate_table_policy();

// The options of the Authority of `spec`'s CA, key at `key_uri`: the table's policy, `recorder`.
AuthorityOptions cluster_ca_options(const std::string& key_uri, IssuanceRecorder* recorder,
                                    const std::string& cert_path, std::string backend = {});

// A CA certificate for `spec` (its subject, the config's CA validity), self-signed by `signer`
// under `options` (cluster_ca_options).
Issued self_sign_ca(const ClusterConfig& config, const CaSpec& spec, const Signer& signer,
                    const AuthorityOptions& options);

// Reads each CA's key (opened when it exists) and certificate; writes nothing.
std::array<FoundCa, 3> read_cluster_cas(const ClusterConfig& config, const std::string& out_dir,
                                        const KeyRegistry& registry, const KeyOptions& key_options);

// Appends each CA's key action to plan.ca_keys and its certificate to plan.files; returns the CAs
// whose certificate is kept (the only ones leaves can be compared with yet).
std::array<ClusterCa, 3> plan_cluster_cas(const ClusterConfig& config,
                                          const std::array<FoundCa, 3>& found, bool force,
                                          Plan& plan);

// Executes the CA part of `plan`: generates the keys and (re)writes the certificates it lists.
// The authorities record what they sign with `recorder` (null: nowhere); the rootCA's Authority
// records the intermediates it signs with `root_recorder` (the root's ledger).
std::array<ClusterCa, 3> apply_cluster_cas(const ClusterConfig& config, const Plan& plan,
                                           const std::string& out_dir, const KeyRegistry& registry,
                                           const KeyOptions& key_options,
                                           IssuanceRecorder* recorder,
                                           IssuanceRecorder* root_recorder, Plan& report,
                                           CreatedFiles& created);

}  // namespace kpki::kube
