#include "core/kubernetes/model/config_checks.h"

#include <set>

#include "core/util/duration.h"
#include "core/util/error.h"
#include "core/x509/subject_alt_names.h"

namespace kpki::kube {

void read_algorithm(const YamlFields& fields, const std::string& key, ClusterConfig& config) {
  if (!fields.has(key)) return;
  std::string text = fields.string(key);
  try {
    config.algorithm = parse_algorithm(text);
  } catch (const Error&) {
    // parse_algorithm's list names ed25519, which a cluster refuses (below): list what works.
    fields.fail(key, "unknown algorithm '" + text +
                         "' (expected RSA-2048, RSA-3072, RSA-4096, ECDSA-P256 or ECDSA-P384)");
  }
  // kubeadm's TryLoadKeyFromDisk reads RSA and ECDSA keys only: an Ed25519 tree breaks its
  // external-CA mode and `kubeadm certs renew`.
  if (config.algorithm == Algorithm::Ed25519)
    fields.fail(key, "'" + text +
                         "' is not usable for a cluster: kubeadm cannot load Ed25519 keys "
                         "(RSA and ECDSA only)");
  config.algorithm_field = fields.field_path(key);
}

void read_kubernetes_version(const YamlFields& fields, const std::string& key,
                             ClusterConfig& config) {
  if (!fields.has(key)) return;
  try {
    config.kubernetes_version = parse_kubernetes_version(fields.string(key));
  } catch (const Error& e) {
    throw Error(e.code(), fields.origin() + ": " + fields.field_path(key) + ": " + e.message());
  }
  config.kubernetes_version_given = true;
}

void check_algorithm_for_version(ClusterConfig& config) {
  if (config.algorithm_field.empty()) return;
  const KubeadmBehaviour& kubeadm = kubeadm_behaviour(config.kubernetes_version);
  if (accepts_algorithm(kubeadm, config.algorithm)) return;
  std::string what =
      "'" + algorithm_list({config.algorithm}) + "' is not an encryption algorithm of kubeadm " +
      config.kubernetes_version.text() + " (it offers " + algorithm_list(kubeadm.algorithms) + ")";
  if (config.kubeadm_input) config_error(config.source, config.algorithm_field, what);
  std::string warning = config.source + ": " + config.algorithm_field + ": " + what +
                        "; its kubeadm still loads the keys";
  for (const auto& w : config.warnings) {
    if (w == warning) return;
  }
  config.warnings.push_back(warning);
}

void read_duration(const YamlFields& fields, const std::string& key, std::chrono::seconds& out) {
  if (!fields.has(key)) return;
  std::string text = fields.string(key);
  try {
    out = parse_duration(text, "'" + text + "'");
  } catch (const Error& e) {
    fields.fail(key, "invalid duration: " + e.message());
  }
}

void read_sans(const YamlFields& fields, const std::string& key, std::vector<std::string>& out) {
  out = fields.strings(key);
  for (size_t i = 0; i < out.size(); ++i) {
    if (is_ip_address(out[i])) {
      out[i] = format_ip_address(parse_ip_address(out[i]));
      continue;
    }
    try {
      validate_dns_name(out[i]);
    } catch (const Error& e) {
      config_error(fields.origin(), fields.field_path(key) + "[" + std::to_string(i) + "]",
                   "'" + out[i] + "' is neither an IP address nor a DNS name");
    }
  }
}

int read_port(const YamlFields& fields, const std::string& key, int fallback) {
  if (!fields.has(key)) return fallback;
  return parse_port(fields.string(key), fields.origin() + ": " + fields.field_path(key));
}

bool read_bool(const YamlFields& fields, const std::string& key, bool fallback) {
  if (!fields.has(key)) return fallback;
  std::string text = fields.string(key);
  if (text == "true") return true;
  if (text == "false") return false;
  fields.fail(key, "expected true or false, got '" + text + "'");
}

std::string read_ip(const YamlFields& fields, const std::string& key) {
  if (!fields.has(key)) fields.fail(key, "required");
  std::string text = fields.string(key);
  if (!is_ip_address(text)) fields.fail(key, "invalid IP '" + text + "'");
  return format_ip_address(parse_ip_address(text));
}

std::string read_node_name(const YamlFields& fields, const std::string& key) {
  if (!fields.has(key)) fields.fail(key, "required");
  std::string name = fields.string(key);
  // Node names become DNS SANs and CNs (system:node:<name>): lower-case RFC 1123, like kubelet.
  bool ok = !name.empty() && name.size() <= 253 && name.find('*') == std::string::npos;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
      ok = false;
  }
  if (ok) {
    try {
      validate_dns_name(name);
    } catch (const Error&) {
      ok = false;
    }
  }
  if (!ok)
    fields.fail(key, "invalid node name '" + name +
                         "' (lower-case letters, digits, '-' and '.', as a DNS name)");
  return name;
}

void finalize_config(ClusterConfig& config, const YamlFields& top,
                     const std::string& endpoint_field, const std::string& subnet_field) {
  if (config.cluster_name.empty()) top.fail("clusterName", "must not be empty");
  if (config.dns_domain.empty())
    config_error(config.source, "networking.dnsDomain", "must not be empty");
  try {
    validate_dns_name(config.dns_domain);
  } catch (const Error& e) {
    config_error(config.source, "networking.dnsDomain",
                 "invalid DNS domain '" + config.dns_domain + "'");
  }
  // Dual-stack subnets are comma separated; the API server's service IP comes from the first.
  std::string first = config.service_subnet.substr(0, config.service_subnet.find(','));
  config.service_ip = first_address_of_cidr(first, config.source + ": " + subnet_field);
  if (config.service_subnet.find(',') != std::string::npos)
    first_address_of_cidr(config.service_subnet.substr(config.service_subnet.find(',') + 1),
                          config.source + ": " + subnet_field);
  if (config.nodes.empty()) config_error(config.source, "nodes", "at least one node is required");
  std::set<std::string> names, addresses;
  const NodeConfig* first_cp = nullptr;
  size_t control_planes = 0;
  for (size_t i = 0; i < config.nodes.size(); ++i) {
    const NodeConfig& node = config.nodes[i];
    std::string item = "nodes[" + std::to_string(i) + "]";
    if (!names.insert(node.name).second)
      config_error(config.source, item + ".name", "duplicate node name '" + node.name + "'");
    if (!addresses.insert(node.address).second)
      config_error(config.source, item + ".address",
                   "duplicate node address '" + node.address + "'");
    if (node.control_plane() && !first_cp) first_cp = &node;
    if (node.control_plane()) ++control_planes;
  }
  if (config.control_plane_endpoint.host.empty()) {
    if (!first_cp)
      config_error(config.source, endpoint_field, "required when there is no control-plane node");
    // Pointing every kubeconfig (and cp2's apiserver SANs) at cp1 would tie the cluster to one
    // node; kubeadm refuses to join a second control plane without a stable endpoint.
    if (control_planes > 1)
      config_error(config.source, endpoint_field,
                   "required with " + std::to_string(control_planes) +
                       " control-plane nodes (kubeadm needs a stable endpoint to join more "
                       "than one)");
    config.control_plane_endpoint = Endpoint{first_cp->address, first_cp->bind_port};
  }
}

}  // namespace kpki::kube
