#include "core/kubernetes/model/kubeadm_schema.h"

#include <map>
#include <set>
#include <vector>

#include "core/config/yaml_fields.h"
#include "core/util/suggest.h"

namespace kpki::kube {

namespace {

// One level of the v1beta4 types: its fields, each with the shape of its value (nullptr: a
// scalar, a list of scalars, or a value kubeadm hands on unread, such as featureGates' map).
struct Shape {
  std::map<std::string, const Shape*> fields;
  bool sequence = false;  // a list of mappings of `item`'s shape
  const Shape* item = nullptr;
};

Shape list_of(const Shape* item) { return Shape{{}, true, item}; }

// Built once, leaves first (types.go order within each type).
struct Schema {
  Shape arg{{{"name", nullptr}, {"value", nullptr}}};
  Shape args = list_of(&arg);
  Shape env{{{"name", nullptr}, {"value", nullptr}, {"valueFrom", nullptr}}};
  Shape envs = list_of(&env);
  Shape volume{{{"name", nullptr},
                {"hostPath", nullptr},
                {"mountPath", nullptr},
                {"readOnly", nullptr},
                {"pathType", nullptr}}};
  Shape volumes = list_of(&volume);
  Shape component{{{"extraArgs", &args}, {"extraVolumes", &volumes}, {"extraEnvs", &envs}}};
  Shape api_server{{{"extraArgs", &args},
                    {"extraVolumes", &volumes},
                    {"extraEnvs", &envs},
                    {"certSANs", nullptr}}};
  Shape dns{{{"imageRepository", nullptr}, {"imageTag", nullptr}, {"disabled", nullptr}}};
  Shape proxy{{{"disabled", nullptr}}};
  Shape local_etcd{{{"imageRepository", nullptr},
                    {"imageTag", nullptr},
                    {"dataDir", nullptr},
                    {"extraArgs", &args},
                    {"extraEnvs", &envs},
                    {"serverCertSANs", nullptr},
                    {"peerCertSANs", nullptr}}};
  Shape external_etcd{
      {{"endpoints", nullptr}, {"caFile", nullptr}, {"certFile", nullptr}, {"keyFile", nullptr}}};
  Shape etcd{{{"local", &local_etcd}, {"external", &external_etcd}}};
  Shape networking{{{"serviceSubnet", nullptr}, {"podSubnet", nullptr}, {"dnsDomain", nullptr}}};
  Shape cluster{{{"apiVersion", nullptr},
                 {"kind", nullptr},
                 {"etcd", &etcd},
                 {"networking", &networking},
                 {"kubernetesVersion", nullptr},
                 {"controlPlaneEndpoint", nullptr},
                 {"apiServer", &api_server},
                 {"controllerManager", &component},
                 {"scheduler", &component},
                 {"dns", &dns},
                 {"proxy", &proxy},
                 {"certificatesDir", nullptr},
                 {"imageRepository", nullptr},
                 {"featureGates", nullptr},
                 {"clusterName", nullptr},
                 {"encryptionAlgorithm", nullptr},
                 {"certificateValidityPeriod", nullptr},
                 {"caCertificateValidityPeriod", nullptr}}};

  Shape token{{{"token", nullptr},
               {"description", nullptr},
               {"ttl", nullptr},
               {"expires", nullptr},
               {"usages", nullptr},
               {"groups", nullptr}}};
  Shape tokens = list_of(&token);
  Shape taint{{{"key", nullptr}, {"value", nullptr}, {"effect", nullptr}, {"timeAdded", nullptr}}};
  Shape taints = list_of(&taint);
  Shape registration{{{"name", nullptr},
                      {"criSocket", nullptr},
                      {"taints", &taints},
                      {"kubeletExtraArgs", &args},
                      {"ignorePreflightErrors", nullptr},
                      {"imagePullPolicy", nullptr},
                      {"imagePullSerial", nullptr}}};
  Shape endpoint{{{"advertiseAddress", nullptr}, {"bindPort", nullptr}}};
  Shape patches{{{"directory", nullptr}}};
  Shape timeouts{{{"controlPlaneComponentHealthCheck", nullptr},
                  {"kubeletHealthCheck", nullptr},
                  {"kubernetesAPICall", nullptr},
                  {"etcdAPICall", nullptr},
                  {"tlsBootstrap", nullptr},
                  {"discovery", nullptr},
                  {"upgradeManifests", nullptr}}};
  Shape init{{{"apiVersion", nullptr},
              {"kind", nullptr},
              {"bootstrapTokens", &tokens},
              {"dryRun", nullptr},
              {"nodeRegistration", &registration},
              {"localAPIEndpoint", &endpoint},
              {"certificateKey", nullptr},
              {"skipPhases", nullptr},
              {"patches", &patches},
              {"timeouts", &timeouts}}};

  // The kinds kpki does not read: checked all the same, a typo in them is one too.
  Shape join_endpoint{{{"localAPIEndpoint", &endpoint}, {"certificateKey", nullptr}}};
  Shape bootstrap_discovery{{{"token", nullptr},
                             {"apiServerEndpoint", nullptr},
                             {"caCertHashes", nullptr},
                             {"unsafeSkipCAVerification", nullptr}}};
  Shape file_discovery{{{"kubeConfigPath", nullptr}}};
  Shape discovery{{{"bootstrapToken", &bootstrap_discovery},
                   {"file", &file_discovery},
                   {"tlsBootstrapToken", nullptr}}};
  Shape join{{{"apiVersion", nullptr},
              {"kind", nullptr},
              {"dryRun", nullptr},
              {"nodeRegistration", &registration},
              {"caCertPath", nullptr},
              {"discovery", &discovery},
              {"controlPlane", &join_endpoint},
              {"skipPhases", nullptr},
              {"patches", &patches},
              {"timeouts", &timeouts}}};
  Shape reset{{{"apiVersion", nullptr},
               {"kind", nullptr},
               {"cleanupTmpDir", nullptr},
               {"certificatesDir", nullptr},
               {"criSocket", nullptr},
               {"dryRun", nullptr},
               {"force", nullptr},
               {"ignorePreflightErrors", nullptr},
               {"skipPhases", nullptr},
               {"unmountFlags", nullptr}}};
  // Its sub-configurations (apply, diff, node, plan) only by name.
  Shape upgrade{{{"apiVersion", nullptr},
                 {"kind", nullptr},
                 {"apply", nullptr},
                 {"diff", nullptr},
                 {"node", nullptr},
                 {"plan", nullptr},
                 {"timeouts", &timeouts}}};
};

const Schema& schema() {
  static const Schema s;
  return s;
}

void check_mapping(const YamlFields& fields, const Shape& shape) {
  std::set<std::string> known;
  for (const auto& [name, child] : shape.fields) known.insert(name);
  fields.reject_unknown(known);
  for (const auto& [name, child] : shape.fields) {
    if (!child || !fields.has(name)) continue;
    if (child->sequence) {
      for (const YamlFields& item : fields.mappings(name)) check_mapping(item, *child->item);
    } else {
      check_mapping(fields.mapping(name), *child);
    }
  }
}

const std::vector<std::string> kKinds = {"InitConfiguration", "ClusterConfiguration",
                                         "JoinConfiguration", "ResetConfiguration",
                                         "UpgradeConfiguration"};

}  // namespace

void check_kubeadm_fields(const YAML::Node& document, const std::string& kind,
                          const std::string& origin) {
  const Schema& all = schema();
  const std::map<std::string, const Shape*> kinds = {{"InitConfiguration", &all.init},
                                                     {"ClusterConfiguration", &all.cluster},
                                                     {"JoinConfiguration", &all.join},
                                                     {"ResetConfiguration", &all.reset},
                                                     {"UpgradeConfiguration", &all.upgrade}};
  auto it = kinds.find(kind);
  if (it != kinds.end()) check_mapping(YamlFields(document, origin, kind), *it->second);
}

bool is_kubeadm_kind(const std::string& kind) {
  for (const auto& k : kKinds) {
    if (k == kind) return true;
  }
  return false;
}

std::string kubeadm_kind_suggestion(const std::string& kind) { return did_you_mean(kind, kKinds); }

}  // namespace kpki::kube
