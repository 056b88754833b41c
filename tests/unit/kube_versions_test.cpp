// The Kubernetes version decides the tree: every row of the kubeadm table (kubeadm_versions.h),
// what cert_specs makes of it per node, and kubernetesVersion in both config formats.
#include <gtest/gtest.h>

#include "backends/backends.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/model/kubeadm_versions.h"
#include "core/util/error.h"
#include "tests/support/cluster_config_errors.h"
#include "tests/support/error_of.h"

namespace kpki::kube {
namespace {

using testing::error_of;

// What kubeadm writes, version by version, restated from its source independently of the table
// (the row each comes from is cited in kubeadm_versions.cpp).
struct Expected {
  const char* version;
  bool local_kubelet;
  bool super_admin;
  const char* admins;
  const char* kubelet_client;
  const char* etcd_clients;
  std::vector<Algorithm> algorithms;
};

const std::vector<Algorithm> kOld = {Algorithm::Rsa2048, Algorithm::EcdsaP256};
const std::vector<Algorithm> kBeta4 = {Algorithm::Rsa2048, Algorithm::Rsa3072, Algorithm::Rsa4096,
                                       Algorithm::EcdsaP256};
const std::vector<Algorithm> kP384 = {Algorithm::Rsa2048, Algorithm::Rsa3072, Algorithm::Rsa4096,
                                      Algorithm::EcdsaP256, Algorithm::EcdsaP384};
const char* kMasters = "system:masters";
const char* kAdmins = "kubeadm:cluster-admins";

const std::vector<Expected> kExpected = {
    {"1.28", false, false, kMasters, kMasters, kMasters, kOld},
    {"1.28.15", false, false, kMasters, kMasters, kMasters, kOld},
    {"1.29", false, true, kAdmins, kAdmins, "", kOld},
    {"1.30", false, true, kAdmins, kAdmins, "", kOld},
    {"1.31", false, true, kAdmins, kAdmins, "", kBeta4},
    {"1.32", false, true, kAdmins, kAdmins, "", kBeta4},
    {"1.33", true, true, kAdmins, kAdmins, "", kBeta4},
    {"1.34", true, true, kAdmins, kAdmins, "", kP384},
    {"1.35", true, true, kAdmins, kAdmins, "", kP384},
    {"1.36.0", true, true, kAdmins, kAdmins, "", kP384},
    {"1.36.1", true, true, kAdmins, "", "", kP384},
    {"1.36", true, true, kAdmins, "", "", kP384},  // no patch: the newest patch kpki knows
    {"v1.37.2", true, true, kAdmins, "", "", kP384},
};

TEST(KubeVersions, EveryVersionRow) {
  for (const Expected& e : kExpected) {
    SCOPED_TRACE(e.version);
    const KubeadmBehaviour& b = kubeadm_behaviour(parse_kubernetes_version(e.version));
    EXPECT_EQ(b.kubelet_local_mode, e.local_kubelet);
    EXPECT_EQ(b.super_admin_conf, e.super_admin);
    EXPECT_EQ(b.admin_group, e.admins);
    EXPECT_EQ(b.apiserver_kubelet_client_group, e.kubelet_client);
    EXPECT_EQ(b.etcd_client_group, e.etcd_clients);
    EXPECT_EQ(b.algorithms, e.algorithms);
  }
  // Each row cites the kubeadm source it follows, and rows are in version order.
  const auto& rows = kubeadm_version_rows();
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_NE(rows[i].behaviour.source.find(".go"), std::string::npos) << rows[i].since.text();
    if (i > 0) {
      EXPECT_LT(rows[i - 1].since.minor * 100 + rows[i - 1].since.patch,
                rows[i].since.minor * 100 + rows[i].since.patch);
    }
  }
  EXPECT_EQ(newest_known_version().text(), "1.37");
  EXPECT_EQ(oldest_known_version().text(), "1.28");
}

TEST(KubeVersions, MalformedAndUnsupportedVersionsAreRefused) {
  for (const char* bad : {"", "1", "1.", "1.x", "v1.33.", "1.33.1.2", "latest", "stable-1.33",
                          "01.33", "1.033", "V1.33", " 1.33", "1.33 "}) {
    Error e = error_of([&] { parse_kubernetes_version(bad); });
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput) << bad;
    EXPECT_NE(e.message().find("invalid Kubernetes version"), std::string::npos) << e.message();
  }
  for (const char* old : {"1.27", "1.27.9", "2.0", "0.28", "1.38"}) {
    Error e = error_of([&] { parse_kubernetes_version(old); });
    EXPECT_EQ(e.code(), ErrorCode::Unsupported) << old;
    EXPECT_EQ(e.message(), "unsupported Kubernetes version '" + std::string(old) +
                               "' (kpki knows 1.28 to 1.37)");
  }
}

ClusterConfig three_nodes(const std::string& version) {
  return parse_cluster_config(
      "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nkubernetesVersion: \"" + version +
          "\"\ncontrolPlaneEndpoint: lb.example.com:6443\n"
          "nodes:\n  - {name: cp1, address: 10.0.0.1}\n  - {name: cp2, address: 10.0.0.2, "
          "bindPort: 7443}\n  - {name: w1, address: 10.0.0.21, role: worker}\n",
      "cluster.yaml", "/", key_registry());
}

const LeafSpec* find(const std::vector<LeafSpec>& specs, const std::string& name) {
  for (const auto& s : specs)
    if (s.name == name) return &s;
  return nullptr;
}

TEST(KubeVersions, SpecsFollowTheVersion) {
  for (const Expected& e : kExpected) {
    SCOPED_TRACE(e.version);
    ClusterConfig c = three_nodes(e.version);
    auto cp1 = leaf_specs(c, c.nodes[0]);
    auto cp2 = leaf_specs(c, c.nodes[1]);
    auto w1 = leaf_specs(c, c.nodes[2]);
    // kubelet.conf: a control plane's own API server from 1.33, the endpoint before; a worker
    // always the endpoint.
    EXPECT_EQ(find(cp1, "kubelet.conf")->server,
              e.local_kubelet ? "https://10.0.0.1:6443" : "https://lb.example.com:6443");
    EXPECT_EQ(find(cp2, "kubelet.conf")->server,
              e.local_kubelet ? "https://10.0.0.2:7443" : "https://lb.example.com:6443");
    EXPECT_EQ(find(w1, "kubelet.conf")->server, "https://lb.example.com:6443");
    EXPECT_EQ(find(cp1, "admin.conf")->server, "https://lb.example.com:6443");
    EXPECT_EQ(find(cp1, "super-admin.conf") != nullptr, e.super_admin);
    EXPECT_EQ(find(cp2, "super-admin.conf"), nullptr);
    auto orgs = [](const char* group) {
      return std::string(group).empty() ? std::vector<std::string>{}
                                        : std::vector<std::string>{group};
    };
    EXPECT_EQ(find(cp1, "admin.conf")->subject.organizations, orgs(e.admins));
    EXPECT_EQ(find(cp1, "apiserver-kubelet-client")->subject.organizations, orgs(e.kubelet_client));
    EXPECT_EQ(find(cp1, "apiserver-etcd-client")->subject.organizations, orgs(e.etcd_clients));
    EXPECT_EQ(find(cp1, "etcd-healthcheck-client")->subject.organizations, orgs(e.etcd_clients));
  }
}

std::string error_text(const std::string& yaml) { return testing::config_error_of(yaml); }

const std::string kKubeadm =
    "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
    "nodeRegistration: {name: n1}\nlocalAPIEndpoint: {advertiseAddress: 10.1.2.3}\n---\n"
    "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n";

TEST(KubeVersions, ConfigFieldsNameTheField) {
  ClusterConfig defaulted = parse_cluster_config(
      "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nnodes: [{name: cp1, address: 10.0.0.1}]\n",
      "cluster.yaml", "/", key_registry());
  EXPECT_EQ(defaulted.kubernetes_version, newest_known_version());
  EXPECT_FALSE(defaulted.kubernetes_version_given);
  EXPECT_TRUE(three_nodes("v1.29.3").kubernetes_version_given);

  ClusterConfig kubeadm = parse_cluster_config(kKubeadm + "kubernetesVersion: v1.32.4\n",
                                               "cluster.yaml", "/", key_registry());
  EXPECT_EQ(kubeadm.kubernetes_version.text(), "1.32.4");

  EXPECT_EQ(error_text("apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nkubernetesVersion: 1.x\n"
                       "nodes: [{name: cp1, address: 10.0.0.1}]\n"),
            "cluster.yaml: kubernetesVersion: invalid Kubernetes version '1.x' (expected "
            "1.MINOR or 1.MINOR.PATCH, e.g. 1.33)");
  Error old = error_of([] {
    parse_cluster_config(kKubeadm + "kubernetesVersion: v1.27.0\n", "cluster.yaml", "/",
                         key_registry());
  });
  EXPECT_EQ(old.code(), ErrorCode::Unsupported);
  EXPECT_EQ(old.message(),
            "cluster.yaml: ClusterConfiguration.kubernetesVersion: unsupported Kubernetes "
            "version 'v1.27.0' (kpki knows 1.28 to 1.37)");
  // v1beta4 is kubeadm 1.31's and later's.
  EXPECT_EQ(error_text(kKubeadm + "kubernetesVersion: v1.30.2\n"),
            "cluster.yaml: ClusterConfiguration.kubernetesVersion: 'v1.30.2' predates "
            "kubeadm.k8s.io/v1beta4 (read by kubeadm 1.31 and later)");
  // An algorithm the version's kubeadm does not offer: its own input refused, kpki's warned.
  EXPECT_EQ(error_text(kKubeadm + "kubernetesVersion: v1.33.0\nencryptionAlgorithm: ECDSA-P384\n"),
            "cluster.yaml: ClusterConfiguration.encryptionAlgorithm: 'ECDSA-P384' is not an "
            "encryption algorithm of kubeadm 1.33.0 (it offers RSA-2048, RSA-3072, RSA-4096, "
            "ECDSA-P256)");
  ClusterConfig p384 = parse_cluster_config(
      kKubeadm + "kubernetesVersion: v1.34.0\nencryptionAlgorithm: ECDSA-P384\n", "cluster.yaml",
      "/", key_registry());
  EXPECT_EQ(p384.algorithm, Algorithm::EcdsaP384);
  EXPECT_TRUE(p384.warnings.empty());
  ClusterConfig warned = three_nodes("1.28");
  EXPECT_TRUE(warned.warnings.empty());
  set_kubernetes_version(warned, "1.28", "--kubernetes-version");
  ClusterConfig rsa3072 = parse_cluster_config(
      "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nkubernetesVersion: '1.30'\n"
      "encryptionAlgorithm: RSA-3072\nnodes: [{name: cp1, address: 10.0.0.1}]\n",
      "cluster.yaml", "/", key_registry());
  ASSERT_EQ(rsa3072.warnings.size(), 1u);
  EXPECT_NE(rsa3072.warnings[0].find("encryptionAlgorithm: 'RSA-3072' is not an encryption "
                                     "algorithm of kubeadm 1.30"),
            std::string::npos)
      << rsa3072.warnings[0];
  // --kubernetes-version names itself in its errors.
  Error flag = error_of([&] { set_kubernetes_version(warned, "1.40", "--kubernetes-version"); });
  EXPECT_EQ(flag.message(),
            "--kubernetes-version: unsupported Kubernetes version '1.40' (kpki knows 1.28 to "
            "1.37)");
}

TEST(KubeVersions, KubeadmFeatureGateWhereItsKubeadmTakesIt) {
  auto server = [](const ClusterConfig& c) {
    return find(leaf_specs(c, c.nodes[0]), "kubelet.conf")->server;
  };
  // The endpoint is another address than the node's, so the two servers differ.
  const std::string endpoint = "controlPlaneEndpoint: lb.example.com:6443\n";
  ClusterConfig on_in_32 =
      parse_cluster_config(kKubeadm + endpoint +
                               "kubernetesVersion: v1.32.0\n"
                               "featureGates: {ControlPlaneKubeletLocalMode: true}\n",
                           "cluster.yaml", "/", key_registry());
  EXPECT_EQ(server(on_in_32), "https://10.1.2.3:6443");
  ClusterConfig off_in_34 =
      parse_cluster_config(kKubeadm + endpoint +
                               "kubernetesVersion: v1.34.1\n"
                               "featureGates: {ControlPlaneKubeletLocalMode: false}\n",
                           "cluster.yaml", "/", key_registry());
  EXPECT_EQ(server(off_in_34), "https://lb.example.com:6443");
  EXPECT_EQ(error_text(kKubeadm + "kubernetesVersion: v1.35.0\n"
                                  "featureGates: {ControlPlaneKubeletLocalMode: false}\n"),
            "cluster.yaml: ClusterConfiguration.featureGates.ControlPlaneKubeletLocalMode: "
            "locked to true in kubeadm 1.35 (GA)");
  EXPECT_EQ(error_text(kKubeadm + "kubernetesVersion: v1.36.0\n"
                                  "featureGates: {ControlPlaneKubeletLocalMode: true}\n"),
            "cluster.yaml: ClusterConfiguration.featureGates.ControlPlaneKubeletLocalMode: "
            "not a feature gate of kubeadm 1.36.0");
}

}  // namespace
}  // namespace kpki::kube
