#include "core/kubernetes/model/cluster_config.h"

#include <filesystem>

#include "core/config/yaml_documents.h"
#include "core/config/yaml_fields.h"
#include "core/fs/file_io.h"
#include "core/keys/key_registry.h"
#include "core/kubernetes/model/config_checks.h"
#include "core/kubernetes/model/kubeadm_config.h"
#include "core/util/error.h"

namespace kpki::kube {

namespace {

constexpr const char* kApiVersion = "kpki/v1alpha1";

std::string resolve_path(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path.front() == '/') return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

NodeConfig read_node(const YamlFields& fields) {
  fields.reject_unknown({"name", "address", "role", "bindPort"});
  NodeConfig node;
  node.name = read_node_name(fields, "name");
  node.address = read_ip(fields, "address");
  node.bind_port = read_port(fields, "bindPort", kApiServerPort);
  std::string role = fields.string("role", "control-plane");
  if (role == "control-plane") {
    node.role = NodeRole::ControlPlane;
  } else if (role == "worker") {
    node.role = NodeRole::Worker;
  } else {
    fields.fail("role", "invalid role '" + role + "' (control-plane or worker)");
  }
  return node;
}

ClusterConfig parse_kpki_config(const YAML::Node& doc, const std::string& origin,
                                const std::string& base_dir, const KeyRegistry& registry) {
  YamlFields top(doc, origin, "");
  top.reject_unknown({"apiVersion", "kind", "kubernetesVersion", "clusterName",
                      "controlPlaneEndpoint", "networking", "encryptionAlgorithm",
                      "certificateValidityPeriod", "caCertificateValidityPeriod", "apiServer",
                      "etcd", "caKeys", "rootCA", "serviceAccountKey", "superAdminKubeconfig",
                      "nodes"});
  if (top.string("kind") != "ClusterPKI")
    top.fail("kind", "expected 'ClusterPKI', got '" + top.string("kind") + "'");
  ClusterConfig config;
  config.source = origin;
  config.base_dir = base_dir;
  config.cluster_name = top.string("clusterName", config.cluster_name);
  if (top.has("controlPlaneEndpoint")) {
    config.control_plane_endpoint = parse_endpoint(
        top.string("controlPlaneEndpoint"), kApiServerPort, origin + ": controlPlaneEndpoint");
  }
  YamlFields networking = top.mapping("networking");
  networking.reject_unknown({"serviceSubnet", "dnsDomain"});
  config.service_subnet = networking.string("serviceSubnet", config.service_subnet);
  config.dns_domain = networking.string("dnsDomain", config.dns_domain);
  read_kubernetes_version(top, "kubernetesVersion", config);
  read_algorithm(top, "encryptionAlgorithm", config);
  check_algorithm_for_version(config);
  read_duration(top, "certificateValidityPeriod", config.certificate_validity);
  read_duration(top, "caCertificateValidityPeriod", config.ca_certificate_validity);
  YamlFields api_server = top.mapping("apiServer");
  api_server.reject_unknown({"certSANs"});
  read_sans(api_server, "certSANs", config.apiserver_cert_sans);
  YamlFields etcd = top.mapping("etcd");
  etcd.reject_unknown({"serverCertSANs", "peerCertSANs"});
  read_sans(etcd, "serverCertSANs", config.etcd_server_cert_sans);
  read_sans(etcd, "peerCertSANs", config.etcd_peer_cert_sans);
  YamlFields ca_keys = top.mapping("caKeys");
  ca_keys.reject_unknown({"ca", "etcd-ca", "front-proxy-ca"});
  for (const char* name : {"ca", "etcd-ca", "front-proxy-ca"}) {
    if (!ca_keys.has(name)) continue;
    std::string uri = ca_keys.string(name);
    try {
      config.ca_keys[name] = resolve_key_uri(uri, base_dir, registry);
    } catch (const Error& e) {
      ca_keys.fail(name, e.message());
    }
  }
  if (top.has("rootCA")) {
    YamlFields root = top.mapping("rootCA");
    root.reject_unknown({"cert", "key"});
    for (const char* field : {"cert", "key"}) {
      if (root.string(field).empty()) root.fail(field, "is required (rootCA names both)");
    }
    config.root_ca.cert = resolve_path(root.string("cert"), base_dir);
    try {
      config.root_ca.key_uri = resolve_key_uri(root.string("key"), base_dir, registry);
    } catch (const Error& e) {
      root.fail("key", e.message());
    }
  }
  if (top.has("serviceAccountKey")) {
    config.service_account_key = resolve_path(top.string("serviceAccountKey"), base_dir);
    if (top.string("serviceAccountKey").empty()) top.fail("serviceAccountKey", "must not be empty");
  }
  config.super_admin_kubeconfig =
      read_bool(top, "superAdminKubeconfig", config.super_admin_kubeconfig);
  for (const YamlFields& node : top.mappings("nodes")) config.nodes.push_back(read_node(node));
  if (top.has("nodes") && config.nodes.empty()) top.fail("nodes", "at least one node is required");
  finalize_config(config, top, "controlPlaneEndpoint", "networking.serviceSubnet");
  return config;
}

}  // namespace

const NodeConfig* ClusterConfig::find_node(const std::string& name) const {
  for (const auto& node : nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

const NodeConfig* ClusterConfig::first_control_plane() const {
  for (const auto& node : nodes) {
    if (node.control_plane()) return &node;
  }
  return nullptr;
}

KubeadmBehaviour ClusterConfig::kubeadm() const {
  KubeadmBehaviour out = kubeadm_behaviour(kubernetes_version);
  if (kubelet_local_mode_gate >= 0) out.kubelet_local_mode = kubelet_local_mode_gate == 1;
  return out;
}

void set_kubernetes_version(ClusterConfig& config, const KubernetesVersion& version) {
  config.kubernetes_version = version;
  check_algorithm_for_version(config);
}

void set_kubernetes_version(ClusterConfig& config, const std::string& text,
                            const std::string& field) {
  try {
    set_kubernetes_version(config, parse_kubernetes_version(text));
  } catch (const Error& e) {
    throw Error(e.code(), field + ": " + e.message());
  }
  config.kubernetes_version_given = true;
}

std::string resolve_key_uri(const std::string& uri, const std::string& base_dir,
                            const KeyRegistry& registry) {
  return registry.scheme_for(uri).resolve_relative(uri, base_dir);
}

ClusterConfig parse_cluster_config(const std::string& text, const std::string& origin,
                                   const std::string& base_dir, const KeyRegistry& registry) {
  std::vector<YAML::Node> docs;
  try {
    docs = load_few_yaml_documents(text, origin);  // LoadAll can loop forever
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::InvalidInput, origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                                             std::to_string(e.mark.column + 1) +
                                             ": YAML syntax error: " + e.msg);
  }
  std::vector<YAML::Node> present;
  for (const auto& doc : docs) {
    if (doc && !doc.IsNull()) present.push_back(doc);
  }
  if (present.empty()) throw Error(ErrorCode::InvalidInput, origin + ": empty configuration");
  for (const auto& doc : present) {
    if (!doc.IsMap()) config_error(origin, "document", "expected a mapping");
  }
  if (is_kubeadm_config(present)) return parse_kubeadm_config(present, origin, base_dir);
  if (present.size() != 1)
    config_error(origin, "",
                 "expected one ClusterPKI document, found " + std::to_string(present.size()));
  YamlFields top(present.front(), origin, "");
  std::string api_version = top.string("apiVersion");
  if (api_version != kApiVersion)
    top.fail("apiVersion", "expected '" + std::string(kApiVersion) +
                               "' or kubeadm.k8s.io/v1beta4, got '" + api_version + "'");
  return parse_kpki_config(present.front(), origin, base_dir, registry);
}

ClusterConfig load_cluster_config(const std::string& path, const KeyRegistry& registry) {
  std::string text = read_text_file(path);
  std::filesystem::path base = std::filesystem::path(path).parent_path();
  if (base.empty()) base = std::filesystem::current_path();
  return parse_cluster_config(
      text, path, std::filesystem::absolute(base).lexically_normal().string(), registry);
}

}  // namespace kpki::kube
