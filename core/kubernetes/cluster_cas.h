#pragma once
// The three CAs of a cluster (ca, etcd-ca, front-proxy-ca) as `kpki init` needs them: the key at
// its caKeys URI (generated when absent), the certificate under OUT/pki (reused when it exists and
// belongs to the key), one CertificateAuthority each, built once and shared by every node.
#include <array>
#include <optional>
#include <ostream>
#include <string>

#include "core/certificate_authority.h"
#include "core/file_io.h"
#include "core/key_manager.h"
#include "core/key_registry.h"
#include "core/kubernetes/cert_specs.h"
#include "core/kubernetes/cluster_config.h"

namespace kpki::kube {

struct ClusterCa {
  const CaSpec* spec = nullptr;
  std::string key_uri;
  std::string cert_path;                          // OUT/pki/<name>.crt
  std::optional<CertificateAuthority> authority;  // none only in a dry run of a new CA
  std::string key_file;                           // the key's path when it is a plain key file
};

// Logs one line per action: "<verb> <path>  <detail>".
class PlanLog {
 public:
  PlanLog(std::ostream& out, std::string root, bool dry_run)
      : out_(out), root_(std::move(root)), dry_run_(dry_run) {}
  void line(const std::string& verb, const std::string& path, const std::string& detail = "");
  bool dry_run() const { return dry_run_; }

 private:
  std::ostream& out_;
  std::string root_;
  bool dry_run_;
};

// The caKeys URI of `spec`, or the default key file under OUT/pki.
std::string ca_key_uri(const ClusterConfig& config, const CaSpec& spec, const std::string& out_dir);

std::array<ClusterCa, 3> prepare_cluster_cas(const ClusterConfig& config,
                                             const std::string& out_dir,
                                             const KeyRegistry& registry,
                                             const KeyOptions& key_options, bool force,
                                             PlanLog& log, CreatedFiles& created);

}  // namespace kpki::kube
