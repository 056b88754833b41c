// kubeadm input is read as strictly as kubeadm decodes it: an unknown field anywhere in
// InitConfiguration / ClusterConfiguration is refused with its path and the nearest valid names;
// an older kubeadm API version is a typed error the CLI adds the migration hint to.
#include <gtest/gtest.h>

#include "backends/backends.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/model/kubeadm_config.h"
#include "core/util/error.h"
#include "tests/support/cluster_config_errors.h"

namespace kpki::kube {
namespace {

const std::string kInit =
    "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
    "nodeRegistration: {name: n1}\nlocalAPIEndpoint: {advertiseAddress: 10.1.2.3}\n";
const std::string kCluster =
    "---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n";

std::string error_of(const std::string& yaml) { return testing::config_error_of(yaml); }

TEST(KubeadmStrict, UnknownFieldsAnywhereAreRefusedWithTheirPath) {
  struct Case {
    std::string yaml;
    std::string expected;
  } cases[] = {
      {kInit + kCluster + "apiServer: {certSANS: [a.example.com]}\n",
       "cluster.yaml: ClusterConfiguration.apiServer.certSANS: unknown field (did you mean "
       "'certSANs'?)"},
      {kInit + kCluster + "etcd: {local: {serverCertSAN: [x]}}\n",
       "cluster.yaml: ClusterConfiguration.etcd.local.serverCertSAN: unknown field (did you mean "
       "'serverCertSANs'?)"},
      {kInit + kCluster + "networking: {podSubnets: 10.244.0.0/16}\n",
       "cluster.yaml: ClusterConfiguration.networking.podSubnets: unknown field (did you mean "
       "'podSubnet'?)"},
      {kInit + kCluster + "controllerManager: {extraArgs: [{nmae: bind-address, value: x}]}\n",
       "cluster.yaml: ClusterConfiguration.controllerManager.extraArgs[0].nmae: unknown field "
       "(did you mean 'name'?)"},
      {kInit + kCluster + "apiServer: {extraVolumes: [{name: a, hostPath: /a, mountpath: /a}]}\n",
       "cluster.yaml: ClusterConfiguration.apiServer.extraVolumes[0].mountpath: unknown field "
       "(did you mean 'mountPath'?)"},
      // v1beta3's apiServer.timeoutForControlPlane is gone in v1beta4 (timeouts).
      {kInit + kCluster + "apiServer: {timeoutForControlPlane: 4m0s}\n",
       "cluster.yaml: ClusterConfiguration.apiServer.timeoutForControlPlane: unknown field"},
      {kInit + kCluster + "clustername: lab\n",
       "cluster.yaml: ClusterConfiguration.clustername: unknown field (did you mean "
       "'clusterName'?)"},
      {kInit + kCluster + "dns: {disable: true}\n",
       "cluster.yaml: ClusterConfiguration.dns.disable: unknown field (did you mean "
       "'disabled'?)"},
      {kInit + "nodeRegistration: {name: n1, taints: [{key: a, efect: NoSchedule}]}\n",
       "cluster.yaml: InitConfiguration.nodeRegistration: field given twice"},
      {"apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
       "nodeRegistration: {name: n1, taints: [{key: a, efect: NoSchedule}]}\n"
       "localAPIEndpoint: {advertiseAddress: 10.1.2.3}\n",
       "cluster.yaml: InitConfiguration.nodeRegistration.taints[0].efect: unknown field (did you "
       "mean 'effect'?)"},
      {kInit + "timeouts: {kubeletHealthcheck: 4m}\n",
       "cluster.yaml: InitConfiguration.timeouts.kubeletHealthcheck: unknown field (did you mean "
       "'kubeletHealthCheck'?)"},
      {kInit + "bootstrapTokens: [{token: abcdef.0123456789abcdef, tll: 24h}]\n",
       "cluster.yaml: InitConfiguration.bootstrapTokens[0].tll: unknown field (did you mean "
       "'ttl'?)"},
      {kInit + "somethingElse: 1\n",
       "cluster.yaml: InitConfiguration.somethingElse: unknown field"},
      // A list where a mapping goes, and a mapping where a list goes.
      {kInit + kCluster + "apiServer: [certSANs]\n",
       "cluster.yaml: ClusterConfiguration.apiServer: expected a mapping"},
      {kInit + kCluster + "scheduler: {extraArgs: {bind-address: 0.0.0.0}}\n",
       "cluster.yaml: ClusterConfiguration.scheduler.extraArgs: expected a list"},
      // The kinds kpki does not read are checked too.
      {kInit + "---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\n"
               "discovery: {bootstrapToken: {apiServerEndPoint: lb:6443}}\n",
       "cluster.yaml: JoinConfiguration.discovery.bootstrapToken.apiServerEndPoint: unknown field "
       "(did you mean 'apiServerEndpoint'?)"},
      // A kubeadm kind that does not exist.
      {kInit + "---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfigration\n",
       "cluster.yaml: kind: unknown kubeadm kind 'ClusterConfigration' (did you mean "
       "'ClusterConfiguration'?)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    std::string message = error_of(c.yaml);
    EXPECT_EQ(message.rfind(c.expected, 0), 0u)
        << "got: " << message << "\nwant prefix: " << c.expected;
  }
}

TEST(KubeadmStrict, EveryV1beta4FieldIsAccepted) {
  ClusterConfig c = parse_cluster_config(R"(apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
  - {token: abcdef.0123456789abcdef, description: d, ttl: 24h0m0s, usages: [signing],
     groups: [system:bootstrappers:kubeadm:default-node-token]}
dryRun: false
nodeRegistration:
  name: n1
  criSocket: unix:///run/containerd/containerd.sock
  taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
  kubeletExtraArgs: [{name: v, value: "4"}]
  ignorePreflightErrors: [Swap]
  imagePullPolicy: IfNotPresent
  imagePullSerial: true
localAPIEndpoint: {advertiseAddress: 10.1.2.3, bindPort: 6443}
certificateKey: "e6a2eb8581237ab72a4f494f30285ec12a9694d750b9785706a83bfcbbbd2204"
skipPhases: [addon/kube-proxy]
patches: {directory: /etc/kubernetes/patches}
timeouts: {controlPlaneComponentHealthCheck: 4m0s, kubeletHealthCheck: 4m0s,
           kubernetesAPICall: 1m0s, etcdAPICall: 2m0s, tlsBootstrap: 5m0s, discovery: 5m0s,
           upgradeManifests: 5m0s}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.34.2
controlPlaneEndpoint: lb.example.com:6443
etcd:
  local:
    imageRepository: registry.k8s.io
    imageTag: 3.5.16-0
    dataDir: /var/lib/etcd
    extraArgs: [{name: listen-metrics-urls, value: "http://0.0.0.0:2381"}]
    extraEnvs: [{name: ETCD_X, value: "1"}]
    serverCertSANs: [etcd.example.com]
    peerCertSANs: [10.9.9.9]
networking: {serviceSubnet: 10.96.0.0/12, podSubnet: 10.244.0.0/16, dnsDomain: cluster.local}
apiServer:
  extraArgs: [{name: authorization-mode, value: "Node,RBAC"}]
  extraVolumes: [{name: audit, hostPath: /var/log/audit, mountPath: /var/log/audit,
                  readOnly: false, pathType: DirectoryOrCreate}]
  extraEnvs: [{name: HTTP_PROXY, valueFrom: {secretKeyRef: {name: p, key: k}}}]
  certSANs: [api.example.com]
controllerManager: {extraArgs: [{name: bind-address, value: 0.0.0.0}]}
scheduler: {extraArgs: [{name: bind-address, value: 0.0.0.0}]}
dns: {imageRepository: registry.k8s.io/coredns, imageTag: v1.11.3, disabled: false}
proxy: {disabled: false}
certificatesDir: /etc/kubernetes/pki
imageRepository: registry.k8s.io
featureGates: {NodeLocalCRISocket: true}
clusterName: lab
encryptionAlgorithm: ECDSA-P384
certificateValidityPeriod: 8760h0m0s
caCertificateValidityPeriod: 87600h0m0s
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery: {bootstrapToken: {token: abcdef.0123456789abcdef, apiServerEndpoint: "lb:6443",
            caCertHashes: ["sha256:00"]}}
controlPlane: {localAPIEndpoint: {advertiseAddress: 10.1.2.4, bindPort: 6443}}
)",
                                         "cluster.yaml", "/", key_registry());
  EXPECT_EQ(c.cluster_name, "lab");
  EXPECT_EQ(c.kubernetes_version.text(), "1.34.2");
  EXPECT_EQ(c.algorithm, Algorithm::EcdsaP384);
}

TEST(KubeadmStrict, OlderApiVersionIsATypedError) {
  for (const char* version : {"v1beta3", "v1beta2"}) {
    SCOPED_TRACE(version);
    try {
      parse_cluster_config(std::string("apiVersion: kubeadm.k8s.io/") + version +
                               "\nkind: ClusterConfiguration\n---\n" + kInit,
                           "old.yaml", "/", key_registry());
      ADD_FAILURE() << "accepted";
    } catch (const KubeadmApiVersionError& e) {
      EXPECT_EQ(e.code(), ErrorCode::Unsupported);
      EXPECT_EQ(e.origin(), "old.yaml");
      EXPECT_EQ(e.api_version(), std::string("kubeadm.k8s.io/") + version);
      EXPECT_EQ(e.message(), std::string("old.yaml: ClusterConfiguration.apiVersion: "
                                         "kubeadm.k8s.io/") +
                                 version + " is not read (kpki reads kubeadm.k8s.io/v1beta4)");
    }
  }
  EXPECT_EQ(error_of("apiVersion: kubeadm.k8s.io/v1beta9\nkind: InitConfiguration\n"),
            "cluster.yaml: InitConfiguration.apiVersion: unsupported kubeadm API version "
            "'kubeadm.k8s.io/v1beta9' (expected v1beta4)");
}

}  // namespace
}  // namespace kpki::kube
