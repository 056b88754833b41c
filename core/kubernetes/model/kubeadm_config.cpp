#include "core/kubernetes/model/kubeadm_config.h"

#include <set>

#include "core/config/yaml_fields.h"
#include "core/kubernetes/model/config_checks.h"
#include "core/util/error.h"

namespace kpki::kube {

namespace {

constexpr const char* kKubeadmGroup = "kubeadm.k8s.io/";

bool is_kubeadm_document(const YAML::Node& doc) {
  YAML::Node version = doc["apiVersion"];
  return version && version.IsScalar() && version.Scalar().rfind(kKubeadmGroup, 0) == 0;
}

void check_version(const YamlFields& doc) {
  std::string version = doc.string("apiVersion");
  if (version != "kubeadm.k8s.io/v1beta4")
    doc.fail("apiVersion", "unsupported kubeadm API version '" + version + "' (expected v1beta4)");
}

// kubeadm.k8s.io/v1beta4's fields in the mappings kpki reads: a near miss of one ("certSANS")
// is a typo to report, not a field to ignore (docs/config.md).
const std::set<std::string> kInitFields = {
    "apiVersion",       "kind",           "bootstrapTokens", "dryRun",  "nodeRegistration",
    "localAPIEndpoint", "certificateKey", "skipPhases",      "patches", "timeouts"};
const std::set<std::string> kNodeRegistrationFields = {"name",
                                                       "criSocket",
                                                       "taints",
                                                       "kubeletExtraArgs",
                                                       "ignorePreflightErrors",
                                                       "imagePullPolicy",
                                                       "imagePullSerial"};
const std::set<std::string> kApiEndpointFields = {"advertiseAddress", "bindPort"};
const std::set<std::string> kClusterFields = {"apiVersion",
                                              "kind",
                                              "etcd",
                                              "networking",
                                              "kubernetesVersion",
                                              "controlPlaneEndpoint",
                                              "apiServer",
                                              "controllerManager",
                                              "scheduler",
                                              "dns",
                                              "proxy",
                                              "certificatesDir",
                                              "imageRepository",
                                              "featureGates",
                                              "clusterName",
                                              "encryptionAlgorithm",
                                              "certificateValidityPeriod",
                                              "caCertificateValidityPeriod"};
const std::set<std::string> kNetworkingFields = {"serviceSubnet", "podSubnet", "dnsDomain"};
const std::set<std::string> kApiServerFields = {"extraArgs", "extraVolumes", "extraEnvs",
                                                "certSANs", "timeoutForControlPlane"};
const std::set<std::string> kEtcdFields = {"local", "external"};
const std::set<std::string> kLocalEtcdFields = {"imageRepository", "imageTag",  "dataDir",
                                                "extraArgs",       "extraEnvs", "serverCertSANs",
                                                "peerCertSANs"};

}  // namespace

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
    const YAML::Node** slot = kind == "InitConfiguration"      ? &init
                              : kind == "ClusterConfiguration" ? &cluster
                                                               : nullptr;
    if (!slot) continue;  // JoinConfiguration, ResetConfiguration...: not about certificates
    if (*slot) config_error(origin, kind, "appears more than once");
    *slot = &doc;
  }
  if (!init) config_error(origin, "InitConfiguration", "required (it names the node)");

  YamlFields init_fields(*init, origin, "InitConfiguration");
  check_version(init_fields);
  init_fields.reject_misspelled(kInitFields);
  YamlFields registration = init_fields.mapping("nodeRegistration");
  registration.reject_misspelled(kNodeRegistrationFields);
  YamlFields local = init_fields.mapping("localAPIEndpoint");
  local.reject_misspelled(kApiEndpointFields);
  NodeConfig node;
  node.name = read_node_name(registration, "name");
  node.address = read_ip(local, "advertiseAddress");
  node.bind_port = read_port(local, "bindPort", kApiServerPort);
  const int bind_port = node.bind_port;
  config.nodes.push_back(node);

  YamlFields cluster_fields(cluster ? *cluster : YAML::Node(), origin, "ClusterConfiguration");
  if (cluster) check_version(cluster_fields);
  cluster_fields.reject_misspelled(kClusterFields);
  config.cluster_name = cluster_fields.string("clusterName", config.cluster_name);
  if (cluster_fields.has("controlPlaneEndpoint")) {
    config.control_plane_endpoint =
        parse_endpoint(cluster_fields.string("controlPlaneEndpoint"), bind_port,
                       origin + ": " + cluster_fields.field_path("controlPlaneEndpoint"));
  } else {
    config.control_plane_endpoint = Endpoint{node.address, bind_port};
  }
  YamlFields networking = cluster_fields.mapping("networking");
  networking.reject_misspelled(kNetworkingFields);
  config.service_subnet = networking.string("serviceSubnet", config.service_subnet);
  config.dns_domain = networking.string("dnsDomain", config.dns_domain);
  YamlFields api_server = cluster_fields.mapping("apiServer");
  api_server.reject_misspelled(kApiServerFields);
  read_sans(api_server, "certSANs", config.apiserver_cert_sans);
  YamlFields etcd = cluster_fields.mapping("etcd");
  etcd.reject_misspelled(kEtcdFields);
  YamlFields etcd_local = etcd.mapping("local");
  etcd_local.reject_misspelled(kLocalEtcdFields);
  read_sans(etcd_local, "serverCertSANs", config.etcd_server_cert_sans);
  read_sans(etcd_local, "peerCertSANs", config.etcd_peer_cert_sans);
  read_algorithm(cluster_fields, "encryptionAlgorithm", config);
  read_duration(cluster_fields, "certificateValidityPeriod", config.certificate_validity);
  read_duration(cluster_fields, "caCertificateValidityPeriod", config.ca_certificate_validity);
  finalize_config(config, cluster_fields, cluster_fields.field_path("controlPlaneEndpoint"),
                  networking.field_path("serviceSubnet"));
  return config;
}

}  // namespace kpki::kube
