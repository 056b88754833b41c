#pragma once
// `kpki certs check`: one node's tree held against the certificate table, the way kubeadm's
// external-CA validation holds a tree it did not make (phases/certs UsingExternalCA,
// validateSignedCertWithCA, kubeconfig ValidateKubeconfigsForExternalCA) -- but every finding is
// reported, not the first: identity (CN, O), SANs, usages (keyUsage, extendedKeyUsage, not a CA),
// key pair, chain to the CA, validity, file modes, kubeconfig servers and embedded certificates,
// the CA certificates themselves and the service-account key pair. Works on any tree: kpki's,
// kubeadm's, one made with openssl or cfssl.
#include <array>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/keys/leaf_key_source.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/x509/certificate.h"

namespace kpki::kube {

enum class CheckArea {
  Missing,     // a file the table wants is not there (or a kubeconfig lacks its certificate)
  Unreadable,  // not a certificate, key or kubeconfig
  Identity,    // CN, O
  Sans,
  Usages,  // keyUsage, extendedKeyUsage, basicConstraints
  KeyPair,
  Chain,
  Validity,
  FileMode,
  Kubeconfig,  // server, cluster, user, embedded CA
  Authority,   // a CA certificate that cannot be one
};
std::string_view check_area_name(CheckArea area);  // "sans", "keyPair", ...

enum class Severity { Finding, Warning };

struct CheckItem {
  Severity severity = Severity::Finding;
  std::string file;  // relative to the node directory
  std::string name;  // the table's name: "apiserver", "admin.conf", "ca", "sa"
  CheckArea area = CheckArea::Missing;
  std::string message;
};

struct TreeCheckOptions {
  std::string node_dir;
  std::string node_name;  // the config's node
  // Trust anchors per CA (by CaId): each of the tree's CA files must be one of them or chain to
  // them. Empty: the tree's own CA certificates are trusted as they are (kubeadm's view).
  std::array<std::vector<Certificate>, 3> anchors;
  std::chrono::seconds warn_within = std::chrono::hours(24 * 30);  // "expires soon" warnings
  TimePoint now = now_seconds();
};

struct TreeCheckReport {
  std::string node;
  std::string node_dir;
  bool anchors_given = false;
  size_t files_checked = 0;
  std::vector<CheckItem> items;  // in tree order: CAs, leaves, kubeconfigs, service-account key

  size_t count(Severity severity) const;
  bool clean() const { return count(Severity::Finding) == 0; }
};

// The config's node `name`; InvalidInput naming the config and its nodes when there is none.
const NodeConfig& node_to_check(const ClusterConfig& config, const std::string& name);

// Throws NotFound for a missing node directory, InvalidInput for a node the config does not
// have; everything wrong inside the tree is an item of the report.
TreeCheckReport check_tree(const ClusterConfig& config, const TreeCheckOptions& options,
                           const LeafKeySource& keys);

std::string render_check_text(const TreeCheckReport& report);
nlohmann::json check_json(const TreeCheckReport& report);

}  // namespace kpki::kube
