// Cluster config parsing: defaults, both formats, and every validation error naming its field.
#include <gtest/gtest.h>

#include "backends/backends.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/util/error.h"
#include "tests/support/cluster_config_errors.h"

namespace kpki::kube {
namespace {

ClusterConfig parse(const std::string& yaml) {
  return parse_cluster_config(yaml, "cluster.yaml", "/cfg", key_registry());
}

const std::string kHeader = "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\n";
const std::string kNodes = "nodes:\n  - {name: cp1, address: 127.0.0.1, role: control-plane}\n";

std::string error_of(const std::string& yaml) { return testing::config_error_of(yaml); }

TEST(KubeConfig, Defaults) {
  ClusterConfig c = parse(kHeader + kNodes);
  EXPECT_EQ(c.cluster_name, "kubernetes");
  EXPECT_EQ(c.control_plane_endpoint.host_port(), "127.0.0.1:6443");
  EXPECT_EQ(c.service_subnet, "10.96.0.0/12");
  EXPECT_EQ(c.service_ip, "10.96.0.1");
  EXPECT_EQ(c.dns_domain, "cluster.local");
  EXPECT_EQ(c.algorithm, Algorithm::Rsa2048);
  EXPECT_EQ(c.certificate_validity, std::chrono::hours(8760));
  EXPECT_EQ(c.ca_certificate_validity, std::chrono::hours(87600));
  EXPECT_TRUE(c.ca_keys.empty());
  EXPECT_EQ(c.service_account_key, "");
  ASSERT_EQ(c.nodes.size(), 1u);
  EXPECT_TRUE(c.nodes[0].control_plane());
}

TEST(KubeConfig, EveryField) {
  ClusterConfig c = parse(kHeader + R"(
clusterName: prod
controlPlaneEndpoint: k8s.example.com:8443
networking: {serviceSubnet: "10.100.0.0/16,fd00::/108", dnsDomain: corp.local}
encryptionAlgorithm: ECDSA-P384
certificateValidityPeriod: 720h
caCertificateValidityPeriod: 43800h
apiServer: {certSANs: [api.example.com, 192.0.2.1, "2001:DB8::1"]}
etcd: {serverCertSANs: [etcd.example.com], peerCertSANs: [10.1.1.1]}
caKeys:
  ca: keys/ca.key
  etcd-ca: "botan:etcd.key"
  front-proxy-ca: "pkcs11:token=kube-ca;object=fp?pin-source=file:pin.txt"
serviceAccountKey: sa.key
nodes:
  - {name: cp1, address: 10.0.0.1}
  - {name: w1, address: 10.0.0.21, role: worker}
)");
  EXPECT_EQ(c.cluster_name, "prod");
  EXPECT_EQ(c.control_plane_endpoint.url(), "https://k8s.example.com:8443");
  EXPECT_EQ(c.service_ip, "10.100.0.1");
  EXPECT_EQ(c.dns_domain, "corp.local");
  EXPECT_EQ(c.algorithm, Algorithm::EcdsaP384);
  EXPECT_EQ(c.certificate_validity, std::chrono::hours(720));
  EXPECT_EQ(c.ca_certificate_validity, std::chrono::hours(43800));
  EXPECT_EQ(c.apiserver_cert_sans,
            (std::vector<std::string>{"api.example.com", "192.0.2.1", "2001:db8::1"}));
  EXPECT_EQ(c.etcd_server_cert_sans, std::vector<std::string>{"etcd.example.com"});
  EXPECT_EQ(c.etcd_peer_cert_sans, std::vector<std::string>{"10.1.1.1"});
  EXPECT_EQ(c.ca_keys.at("ca"), "/cfg/keys/ca.key");
  EXPECT_EQ(c.ca_keys.at("etcd-ca"), "botan:/cfg/etcd.key");
  EXPECT_EQ(c.ca_keys.at("front-proxy-ca"),
            "pkcs11:token=kube-ca;object=fp?pin-source=file:/cfg/pin.txt");
  EXPECT_EQ(c.service_account_key, "/cfg/sa.key");
  ASSERT_EQ(c.nodes.size(), 2u);
  EXPECT_FALSE(c.nodes[1].control_plane());
}

TEST(KubeConfig, ValidationErrorsNameTheField) {
  const std::string three =
      "nodes:\n  - {name: cp1, address: 10.0.0.1}\n  - {name: cp2, address: 10.0.0.2}\n";
  struct Case {
    std::string yaml;
    std::string expected;
  } cases[] = {
      {kHeader + three + "  - {name: w1, address: 10.0.0.300}\n",
       "cluster.yaml: nodes[2].address: invalid IP '10.0.0.300'"},
      {kHeader + three + "  - {name: cp1, address: 10.0.0.3}\n",
       "cluster.yaml: nodes[2].name: duplicate node name 'cp1'"},
      {kHeader + three + "  - {name: cp3, address: 10.0.0.2}\n",
       "cluster.yaml: nodes[2].address: duplicate node address '10.0.0.2'"},
      {kHeader, "cluster.yaml: nodes: at least one node is required"},
      {kHeader + "nodes: []\n", "cluster.yaml: nodes: at least one node is required"},
      {kHeader + kNodes + "bogus: 1\n", "cluster.yaml: bogus: unknown field"},
      {kHeader + kNodes + "networking: {podSubnet: 10.0.0.0/8}\n",
       "cluster.yaml: networking.podSubnet: unknown field"},
      {kHeader + kNodes + "networking: {serviceSubnet: 10.96.0.0/33}\n",
       "cluster.yaml: networking.serviceSubnet: invalid CIDR '10.96.0.0/33'"},
      {kHeader + kNodes + "networking: {serviceSubnet: banana}\n",
       "cluster.yaml: networking.serviceSubnet: invalid CIDR 'banana'"},
      {kHeader + kNodes + "certificateValidityPeriod: 1 year\n",
       "cluster.yaml: certificateValidityPeriod: invalid duration"},
      {kHeader + kNodes + "caCertificateValidityPeriod: -5h\n",
       "cluster.yaml: caCertificateValidityPeriod: invalid duration"},
      {kHeader + kNodes + "encryptionAlgorithm: DSA-1024\n", "cluster.yaml: encryptionAlgorithm: "},
      {kHeader + kNodes + "apiServer: {certSANs: foo}\n",
       "cluster.yaml: apiServer.certSANs: expected a list of strings"},
      {kHeader + kNodes + "apiServer: {certSANs: [ok.example.com, 'bad name!']}\n",
       "cluster.yaml: apiServer.certSANs[1]: 'bad name!' is neither an IP address nor a DNS name"},
      {kHeader + kNodes + "etcd: {serverCertSANs: [[1]]}\n",
       "cluster.yaml: etcd.serverCertSANs[0]: expected a string"},
      {kHeader + kNodes + "networking: [a]\n", "cluster.yaml: networking: expected a mapping"},
      {kHeader + "nodes: {name: cp1}\n", "cluster.yaml: nodes: expected a list"},
      {kHeader + "nodes:\n  - cp1\n", "cluster.yaml: nodes[0]: expected a mapping"},
      {kHeader + "nodes:\n  - {name: CP_1, address: 10.0.0.1}\n",
       "cluster.yaml: nodes[0].name: invalid node name 'CP_1'"},
      {kHeader + "nodes:\n  - {address: 10.0.0.1}\n", "cluster.yaml: nodes[0].name: required"},
      {kHeader + "nodes:\n  - {name: a, address: 10.0.0.1, role: master}\n",
       "cluster.yaml: nodes[0].role: invalid role 'master'"},
      {kHeader + "nodes:\n  - {name: a, address: 10.0.0.1, zone: x}\n",
       "cluster.yaml: nodes[0].zone: unknown field"},
      {kHeader + "nodes:\n  - {name: w, address: 10.0.0.1, role: worker}\n",
       "cluster.yaml: controlPlaneEndpoint: required when there is no control-plane node"},
      {kHeader + kNodes + "controlPlaneEndpoint: 'host:99999'\n",
       "cluster.yaml: controlPlaneEndpoint: invalid port"},
      {kHeader + kNodes + "caKeys: {root-ca: x.key}\n",
       "cluster.yaml: caKeys.root-ca: unknown field"},
      {kHeader + kNodes + "caKeys: {ca: 'gopher:x'}\n",
       "cluster.yaml: caKeys.ca: unknown key URI scheme"},
      {kHeader + kNodes + "clusterName: ''\n", "cluster.yaml: clusterName: must not be empty"},
      {"apiVersion: kpki/v2\nkind: ClusterPKI\n" + kNodes, "cluster.yaml: apiVersion: expected"},
      {"apiVersion: kpki/v1alpha1\nkind: Cluster\n" + kNodes,
       "cluster.yaml: kind: expected 'ClusterPKI'"},
      {kHeader + "nodes: [\n", "cluster.yaml:"},
      {"", "cluster.yaml: empty configuration"},
  };
  for (const auto& c : cases) {
    std::string message = error_of(c.yaml);
    EXPECT_EQ(message.rfind(c.expected, 0), 0u)
        << "got: " << message << "\nwant prefix: " << c.expected;
  }
}

TEST(KubeConfig, EndpointForms) {
  EXPECT_EQ(parse(kHeader + kNodes + "controlPlaneEndpoint: lb.example.com\n")
                .control_plane_endpoint.host_port(),
            "lb.example.com:6443");
  EXPECT_EQ(parse(kHeader + kNodes + "controlPlaneEndpoint: '[2001:db8::5]:443'\n")
                .control_plane_endpoint.url(),
            "https://[2001:db8::5]:443");
}

TEST(KubeConfig, KubeadmV1beta4) {
  ClusterConfig c = parse(R"(apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens: [{token: abcdef.0123456789abcdef}]
nodeRegistration: {name: master-0, criSocket: unix:///run/containerd/containerd.sock}
localAPIEndpoint: {advertiseAddress: 192.168.10.5, bindPort: 6443}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.32.0
clusterName: lab
controlPlaneEndpoint: lab.example.com:6443
networking: {serviceSubnet: 10.32.0.0/16, dnsDomain: lab.local, podSubnet: 10.244.0.0/16}
apiServer: {certSANs: [lab-api.example.com]}
etcd: {local: {serverCertSANs: [etcd.lab], peerCertSANs: [10.9.9.9]}}
encryptionAlgorithm: ECDSA-P256
certificateValidityPeriod: 8760h0m0s
caCertificateValidityPeriod: 87600h0m0s
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
)");
  ASSERT_EQ(c.nodes.size(), 1u);
  EXPECT_EQ(c.nodes[0].name, "master-0");
  EXPECT_EQ(c.nodes[0].address, "192.168.10.5");
  EXPECT_TRUE(c.nodes[0].control_plane());
  EXPECT_EQ(c.cluster_name, "lab");
  EXPECT_EQ(c.control_plane_endpoint.host_port(), "lab.example.com:6443");
  EXPECT_EQ(c.service_ip, "10.32.0.1");
  EXPECT_EQ(c.dns_domain, "lab.local");
  EXPECT_EQ(c.apiserver_cert_sans, std::vector<std::string>{"lab-api.example.com"});
  EXPECT_EQ(c.etcd_server_cert_sans, std::vector<std::string>{"etcd.lab"});
  EXPECT_EQ(c.etcd_peer_cert_sans, std::vector<std::string>{"10.9.9.9"});
  EXPECT_EQ(c.algorithm, Algorithm::EcdsaP256);
  EXPECT_EQ(c.certificate_validity, std::chrono::hours(8760));
  EXPECT_EQ(c.ca_certificate_validity, std::chrono::hours(87600));
}

TEST(KubeConfig, KubeadmDefaultsAndErrors) {
  ClusterConfig c = parse(
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
      "nodeRegistration: {name: n1}\nlocalAPIEndpoint: {advertiseAddress: 10.1.2.3}\n");
  EXPECT_EQ(c.control_plane_endpoint.host_port(), "10.1.2.3:6443");
  EXPECT_EQ(c.cluster_name, "kubernetes");
  EXPECT_EQ(error_of("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"),
            "cluster.yaml: InitConfiguration: required (it names the node)");
  EXPECT_EQ(
      error_of("apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
               "nodeRegistration: {name: n1}\nlocalAPIEndpoint: {advertiseAddress: 1.2.3}\n"),
      "cluster.yaml: InitConfiguration.localAPIEndpoint.advertiseAddress: invalid IP '1.2.3'");
  // v1beta3 is a typed Unsupported error now (the CLI adds `kubeadm config migrate`):
  // kube_kubeadm_strict_test.cpp.
  EXPECT_EQ(
      error_of("apiVersion: kubeadm.k8s.io/v1beta1\nkind: InitConfiguration\n")
          .rfind("cluster.yaml: InitConfiguration.apiVersion: unsupported kubeadm API version", 0),
      0u);
}

}  // namespace
}  // namespace kpki::kube
