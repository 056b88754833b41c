// The certificate table against /work/shared/reference/kubeadm-pki.md: every subject, profile
// (EKU), signer and SAN list, in kubeadm's order.
#include <gtest/gtest.h>

#include <map>

#include "backends/backends.h"
#include "core/kubernetes/model/cert_specs.h"

namespace kpki::kube {
namespace {

// Pinned to 1.32, the version the reference's tables describe (kubelet.conf at the endpoint,
// apiserver-kubelet-client in kubeadm:cluster-admins); every other version's differences are
// kube_versions_test.cpp's.
ClusterConfig config() {
  return parse_cluster_config(R"(apiVersion: kpki/v1alpha1
kind: ClusterPKI
kubernetesVersion: "1.32"
controlPlaneEndpoint: lb.example.com:6443
apiServer: {certSANs: [z.example.com, 192.0.2.7, a.example.com, 10.0.0.1]}
etcd: {serverCertSANs: [etcd.example.com], peerCertSANs: [192.0.2.9]}
nodes:
  - {name: cp1, address: 10.0.0.1}
  - {name: w1, address: 10.0.0.21, role: worker}
)",
                              "c.yaml", "/", key_registry());
}

struct Expected {
  std::string path;
  CaId ca;
  std::string cn;
  std::vector<std::string> orgs;
  Profile profile;
};

TEST(KubeSpecs, ControlPlaneTableMatchesReference) {
  ClusterConfig c = config();
  std::map<std::string, Expected> expected = {
      {"apiserver", {"pki/apiserver", CaId::Kubernetes, "kube-apiserver", {}, Profile::Server}},
      {"apiserver-kubelet-client",
       {"pki/apiserver-kubelet-client",
        CaId::Kubernetes,
        "kube-apiserver-kubelet-client",
        {"kubeadm:cluster-admins"},
        Profile::Client}},
      {"front-proxy-client",
       {"pki/front-proxy-client", CaId::FrontProxy, "front-proxy-client", {}, Profile::Client}},
      {"etcd-server", {"pki/etcd/server", CaId::Etcd, "cp1", {}, Profile::Peer}},
      {"etcd-peer", {"pki/etcd/peer", CaId::Etcd, "cp1", {}, Profile::Peer}},
      {"etcd-healthcheck-client",
       {"pki/etcd/healthcheck-client",
        CaId::Etcd,
        "kube-etcd-healthcheck-client",
        {},
        Profile::Client}},
      {"apiserver-etcd-client",
       {"pki/apiserver-etcd-client",
        CaId::Etcd,
        "kube-apiserver-etcd-client",
        {},
        Profile::Client}},
      {"kubelet",
       {"kubelet/kubelet", CaId::Kubernetes, "system:node:cp1", {"system:nodes"}, Profile::Server}},
      {"admin.conf",
       {"admin.conf",
        CaId::Kubernetes,
        "kubernetes-admin",
        {"kubeadm:cluster-admins"},
        Profile::Client}},
      {"super-admin.conf",
       {"super-admin.conf",
        CaId::Kubernetes,
        "kubernetes-super-admin",
        {"system:masters"},
        Profile::Client}},
      {"controller-manager.conf",
       {"controller-manager.conf",
        CaId::Kubernetes,
        "system:kube-controller-manager",
        {},
        Profile::Client}},
      {"scheduler.conf",
       {"scheduler.conf", CaId::Kubernetes, "system:kube-scheduler", {}, Profile::Client}},
      {"kubelet.conf",
       {"kubelet.conf", CaId::Kubernetes, "system:node:cp1", {"system:nodes"}, Profile::Client}},
      {"kube-proxy.conf",
       {"kube-proxy.conf",
        CaId::Kubernetes,
        "system:kube-proxy",
        {"system:node-proxier"},
        Profile::Client}},
  };
  auto specs = leaf_specs(c, c.nodes[0]);
  ASSERT_EQ(specs.size(), expected.size());
  for (const auto& spec : specs) {
    SCOPED_TRACE(spec.name);
    ASSERT_TRUE(expected.count(spec.name));
    const Expected& e = expected.at(spec.name);
    EXPECT_EQ(spec.path, e.path);
    EXPECT_EQ(spec.ca, e.ca);
    EXPECT_EQ(spec.subject.common_name, e.cn);
    EXPECT_EQ(spec.subject.organizations, e.orgs);
    EXPECT_EQ(spec.profile, e.profile);
    bool kubeconfig = spec.name.find(".conf") != std::string::npos;
    EXPECT_EQ(spec.kind == LeafKind::Kubeconfig, kubeconfig);
    if (spec.name != "apiserver" && spec.name != "etcd-server" && spec.name != "etcd-peer" &&
        spec.name != "kubelet") {
      EXPECT_TRUE(spec.sans.empty());
    }
  }
}

TEST(KubeSpecs, ApiServerSansInKubeadmOrder) {
  ClusterConfig c = config();
  SubjectAltNames sans = apiserver_sans(c, c.nodes[0]);
  // DNS sorted and de-duplicated; IPs: service IP, node address, endpoint (a name here, so in
  // DNS), certSANs IPs; duplicates (10.0.0.1) dropped.
  EXPECT_EQ(sans.dns, (std::vector<std::string>{"a.example.com", "cp1", "kubernetes",
                                                "kubernetes.default", "kubernetes.default.svc",
                                                "kubernetes.default.svc.cluster.local",
                                                "lb.example.com", "z.example.com"}));
  EXPECT_EQ(sans.ips, (std::vector<std::string>{"10.96.0.1", "10.0.0.1", "192.0.2.7"}));
}

TEST(KubeSpecs, ApiServerEndpointIpComesAfterNodeAddress) {
  ClusterConfig c = parse_cluster_config(
      "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\ncontrolPlaneEndpoint: 10.0.0.100:6443\n"
      "nodes: [{name: cp1, address: 10.0.0.1}]\n",
      "c.yaml", "/", key_registry());
  EXPECT_EQ(apiserver_sans(c, c.nodes[0]).ips,
            (std::vector<std::string>{"10.96.0.1", "10.0.0.1", "10.0.0.100"}));
}

TEST(KubeSpecs, EtcdAndKubeletSans) {
  ClusterConfig c = config();
  auto specs = leaf_specs(c, c.nodes[0]);
  auto find = [&](const std::string& name) {
    for (const auto& s : specs)
      if (s.name == name) return s;
    return LeafSpec{};
  };
  LeafSpec server = find("etcd-server");
  EXPECT_EQ(server.sans.dns, (std::vector<std::string>{"cp1", "etcd.example.com", "localhost"}));
  EXPECT_EQ(server.sans.ips, (std::vector<std::string>{"10.0.0.1", "127.0.0.1", "::1"}));
  LeafSpec peer = find("etcd-peer");
  EXPECT_EQ(peer.sans.dns, (std::vector<std::string>{"cp1", "localhost"}));
  EXPECT_EQ(peer.sans.ips, (std::vector<std::string>{"10.0.0.1", "127.0.0.1", "::1", "192.0.2.9"}));
  LeafSpec kubelet = find("kubelet");
  EXPECT_EQ(kubelet.sans.dns, std::vector<std::string>{"cp1"});
  EXPECT_EQ(kubelet.sans.ips, std::vector<std::string>{"10.0.0.1"});
  EXPECT_EQ(find("admin.conf").server, "https://lb.example.com:6443");
  EXPECT_EQ(find("kubelet.conf").server, "https://lb.example.com:6443");
  EXPECT_EQ(find("scheduler.conf").server, "https://10.0.0.1:6443");
  EXPECT_EQ(find("controller-manager.conf").server, "https://10.0.0.1:6443");
}

TEST(KubeSpecs, WorkerGetsOnlyKubeletAndKubeProxy) {
  ClusterConfig c = config();
  std::vector<std::string> names;
  for (const auto& s : leaf_specs(c, c.nodes[1])) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"kubelet", "kube-proxy.conf", "kubelet.conf"}));
}

TEST(KubeSpecs, Cas) {
  ASSERT_EQ(ca_specs().size(), 3u);
  EXPECT_EQ(ca_spec(CaId::Kubernetes).subject.common_name, "kubernetes");
  EXPECT_EQ(ca_spec(CaId::Kubernetes).sans.dns, std::vector<std::string>{"kubernetes"});
  EXPECT_EQ(ca_spec(CaId::Etcd).base_path, "pki/etcd/ca");
  EXPECT_EQ(ca_spec(CaId::Etcd).sans.dns, std::vector<std::string>{"etcd-ca"});
  EXPECT_EQ(ca_spec(CaId::FrontProxy).base_path, "pki/front-proxy-ca");
  EXPECT_EQ(ca_spec(CaId::FrontProxy).subject.common_name, "front-proxy-ca");
}

}  // namespace
}  // namespace kpki::kube
