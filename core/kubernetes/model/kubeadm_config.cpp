#include "core/kubernetes/model/kubeadm_config.h"

#include "core/config/yaml_fields.h"
#include "core/kubernetes/model/config_checks.h"
#include "core/kubernetes/model/kubeadm_schema.h"
#include "core/util/error.h"

namespace kpki::kube {

namespace {

constexpr const char* kKubeadmGroup = "kubeadm.k8s.io/";

bool is_kubeadm_document(const YAML::Node& doc) {
  YAML::Node version = doc["apiVersion"];
  return version && version.IsScalar() && version.Scalar().rfind(kKubeadmGroup, 0) == 0;
}

// v1beta4 is the one kubeadm.k8s.io version read; v1beta3 (kubeadm <= 1.30's) gets the typed
// error the CLI turns into the migration hint, anything else is unsupported.
void check_version(const YamlFields& doc) {
  std::string version = doc.string("apiVersion");
  if (version == "kubeadm.k8s.io/v1beta4") return;
  if (version == "kubeadm.k8s.io/v1beta3" || version == "kubeadm.k8s.io/v1beta2")
    throw KubeadmApiVersionError(doc.origin(), doc.field_path("apiVersion"), version);
  doc.fail("apiVersion", "unsupported kubeadm API version '" + version + "' (expected v1beta4)");
}

// featureGates.ControlPlaneKubeletLocalMode, as the config's kubeadm takes it: settable from 1.31
// (alpha) to 1.34 (beta), locked on in 1.35 (GA), gone from 1.36 (features/features.go).
void read_local_mode_gate(const YamlFields& cluster, ClusterConfig& config) {
  const std::string gate = "ControlPlaneKubeletLocalMode";
  YamlFields gates = cluster.mapping("featureGates");
  if (!gates.has(gate)) return;
  bool on = read_bool(gates, gate, false);
  int minor = config.kubernetes_version.minor;
  if (minor >= 31 && minor <= 34) {
    config.kubelet_local_mode_gate = on ? 1 : 0;
  } else if (minor == 35 && on) {
    return;  // GA: locked to true, setting it true is allowed
  } else {
    gates.fail(gate, minor == 35
                         ? "locked to true in kubeadm 1.35 (GA)"
                         : "not a feature gate of kubeadm " + config.kubernetes_version.text());
  }
}

}  // namespace

KubeadmApiVersionError::KubeadmApiVersionError(std::string origin, const std::string& field,
                                               std::string api_version)
    : Error(ErrorCode::Unsupported, origin + ": " + field + ": " + api_version +
                                        " is not read (kpki reads kubeadm.k8s.io/v1beta4)"),
      origin_(std::move(origin)),
      api_version_(std::move(api_version)) {}

bool is_kubeadm_config(const std::vector<YAML::Node>& documents) {
  for (const auto& doc : documents) {
    if (is_kubeadm_document(doc)) return true;
  }
  return false;
}

ClusterConfig parse_kubeadm_config(const std::vector<YAML::Node>& documents,
                                   const std::string& origin, const std::string& base_dir) {
  ClusterConfig config;
  config.source = origin;
  config.base_dir = base_dir;
  const YAML::Node* init = nullptr;
  const YAML::Node* cluster = nullptr;
  for (const auto& doc : documents) {
    if (!is_kubeadm_document(doc)) continue;
    std::string kind = doc["kind"] && doc["kind"].IsScalar() ? doc["kind"].Scalar() : "";
    check_version(YamlFields(doc, origin, kind.empty() ? "document" : kind));
    if (!is_kubeadm_kind(kind))
      config_error(origin, "kind",
                   "unknown kubeadm kind '" + kind + "'" + kubeadm_kind_suggestion(kind));
    check_kubeadm_fields(doc, kind, origin);
    const YAML::Node** slot = kind == "InitConfiguration"      ? &init
                              : kind == "ClusterConfiguration" ? &cluster
                                                               : nullptr;
    if (!slot) continue;  // JoinConfiguration, ResetConfiguration...: not about certificates
    if (*slot) config_error(origin, kind, "appears more than once");
    *slot = &doc;
  }
  if (!init) config_error(origin, "InitConfiguration", "required (it names the node)");

  YamlFields init_fields(*init, origin, "InitConfiguration");
  config.kubeadm_input = true;
  YamlFields registration = init_fields.mapping("nodeRegistration");
  YamlFields local = init_fields.mapping("localAPIEndpoint");
  NodeConfig node;
  node.name = read_node_name(registration, "name");
  node.address = read_ip(local, "advertiseAddress");
  node.bind_port = read_port(local, "bindPort", kApiServerPort);
  const int bind_port = node.bind_port;
  config.nodes.push_back(node);

  YamlFields cluster_fields(cluster ? *cluster : YAML::Node(), origin, "ClusterConfiguration");
  read_kubernetes_version(cluster_fields, "kubernetesVersion", config);
  // kubeadm reads v1beta4 from 1.31 on: an older kubernetesVersion cannot be this file's kubeadm.
  if (config.kubernetes_version.minor < 31)
    cluster_fields.fail("kubernetesVersion",
                        "'" + cluster_fields.string("kubernetesVersion") +
                            "' predates kubeadm.k8s.io/v1beta4 (read by kubeadm 1.31 and later)");
  read_local_mode_gate(cluster_fields, config);
  config.cluster_name = cluster_fields.string("clusterName", config.cluster_name);
  if (cluster_fields.has("controlPlaneEndpoint")) {
    config.control_plane_endpoint =
        parse_endpoint(cluster_fields.string("controlPlaneEndpoint"), bind_port,
                       origin + ": " + cluster_fields.field_path("controlPlaneEndpoint"));
  } else {
    config.control_plane_endpoint = Endpoint{node.address, bind_port};
  }
  YamlFields networking = cluster_fields.mapping("networking");
  config.service_subnet = networking.string("serviceSubnet", config.service_subnet);
  config.dns_domain = networking.string("dnsDomain", config.dns_domain);
  YamlFields api_server = cluster_fields.mapping("apiServer");
  read_sans(api_server, "certSANs", config.apiserver_cert_sans);
  YamlFields etcd_local = cluster_fields.mapping("etcd").mapping("local");
  read_sans(etcd_local, "serverCertSANs", config.etcd_server_cert_sans);
  read_sans(etcd_local, "peerCertSANs", config.etcd_peer_cert_sans);
  read_algorithm(cluster_fields, "encryptionAlgorithm", config);
  check_algorithm_for_version(config);
  read_duration(cluster_fields, "certificateValidityPeriod", config.certificate_validity);
  read_duration(cluster_fields, "caCertificateValidityPeriod", config.ca_certificate_validity);
  finalize_config(config, cluster_fields, cluster_fields.field_path("controlPlaneEndpoint"),
                  networking.field_path("serviceSubnet"));
  return config;
}

}  // namespace kpki::kube
