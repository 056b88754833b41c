// Where kpki must agree with kubeadm: the local API endpoint's bind port, super-admin.conf only
// where `kubeadm init` runs, key algorithms kubeadm can load, a stable endpoint for several
// control-plane nodes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/fs/file_io.h"
#include "core/kubernetes/init/init.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/tree/expiration.h"
#include "core/util/error.h"
#include "tests/support/cluster_config_errors.h"
#include "tests/support/test_keys.h"

namespace kpki::kube {
namespace {

const std::string kHeader = "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\n";
const std::string kThreeControlPlanes =
    "nodes:\n  - {name: cp1, address: 10.0.0.1}\n  - {name: cp2, address: 10.0.0.2}\n"
    "  - {name: cp3, address: 10.0.0.3}\n  - {name: w1, address: 10.0.0.21, role: worker}\n";

ClusterConfig parse(const std::string& yaml) {
  return parse_cluster_config(yaml, "cluster.yaml", "/cfg", key_registry());
}

std::string error_of(const std::string& yaml) { return testing::config_error_of(yaml); }

std::string server_of(const ClusterConfig& c, const NodeConfig& node, const std::string& leaf) {
  for (const auto& spec : leaf_specs(c, node))
    if (spec.name == leaf) return spec.server;
  return "(absent)";
}

std::vector<std::string> kubeconfigs_of(const ClusterConfig& c, const NodeConfig& node) {
  std::vector<std::string> names;
  for (const auto& spec : leaf_specs(c, node))
    if (spec.kind == LeafKind::Kubeconfig) names.push_back(spec.name);
  return names;
}

const std::string kKubeadm =
    "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
    "nodeRegistration: {name: n1}\nlocalAPIEndpoint: {advertiseAddress: 10.1.2.3, bindPort: 7443}\n"
    "---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n";

// Item 13: controller-manager.conf and scheduler.conf use the node's own bind port.
TEST(KubeadmParity, LocalKubeconfigsUseTheBindPort) {
  ClusterConfig c = parse(kHeader +
                          "controlPlaneEndpoint: lb.example.com\n"
                          "nodes:\n  - {name: cp1, address: 10.0.0.1, bindPort: 8443}\n"
                          "  - {name: cp2, address: 10.0.0.2}\n");
  EXPECT_EQ(c.nodes[0].bind_port, 8443);
  EXPECT_EQ(c.nodes[1].bind_port, 6443);
  EXPECT_EQ(server_of(c, c.nodes[0], "controller-manager.conf"), "https://10.0.0.1:8443");
  EXPECT_EQ(server_of(c, c.nodes[0], "scheduler.conf"), "https://10.0.0.1:8443");
  EXPECT_EQ(server_of(c, c.nodes[1], "scheduler.conf"), "https://10.0.0.2:6443");
  EXPECT_EQ(server_of(c, c.nodes[0], "admin.conf"), "https://lb.example.com:6443");
  // A single control-plane node without an endpoint: kubeadm's default is its address:bindPort.
  ClusterConfig single =
      parse(kHeader + "nodes:\n  - {name: cp1, address: 10.0.0.1, bindPort: 8443}\n");
  EXPECT_EQ(single.control_plane_endpoint.url(), "https://10.0.0.1:8443");

  ClusterConfig kubeadm = parse(kKubeadm + "controlPlaneEndpoint: lab.example.com:6443\n");
  EXPECT_EQ(kubeadm.nodes[0].bind_port, 7443);
  EXPECT_EQ(server_of(kubeadm, kubeadm.nodes[0], "scheduler.conf"), "https://10.1.2.3:7443");
  EXPECT_EQ(server_of(kubeadm, kubeadm.nodes[0], "admin.conf"), "https://lab.example.com:6443");

  EXPECT_EQ(error_of(kHeader + "nodes:\n  - {name: cp1, address: 10.0.0.1, bindPort: 0}\n"),
            "cluster.yaml: nodes[0].bindPort: invalid port '0' (1-65535)");
  EXPECT_EQ(error_of(kHeader + "nodes:\n  - {name: cp1, address: 10.0.0.1, bindPort: x}\n"),
            "cluster.yaml: nodes[0].bindPort: invalid port 'x' (1-65535)");
}

// Item 14: super-admin.conf (system:masters) only on the first control-plane node.
TEST(KubeadmParity, SuperAdminOnlyOnTheFirstControlPlaneNode) {
  ClusterConfig c = parse(kHeader + "controlPlaneEndpoint: lb.example.com\n" + kThreeControlPlanes);
  std::vector<std::string> all = {"admin.conf",   "controller-manager.conf", "kube-proxy.conf",
                                  "kubelet.conf", "scheduler.conf",          "super-admin.conf"};
  std::vector<std::string> without(all.begin(), all.end() - 1);
  EXPECT_EQ(kubeconfigs_of(c, c.nodes[0]), all);
  EXPECT_EQ(kubeconfigs_of(c, c.nodes[1]), without);
  EXPECT_EQ(kubeconfigs_of(c, c.nodes[2]), without);
  ClusterConfig none = parse(kHeader + "controlPlaneEndpoint: lb.example.com\n" +
                             "superAdminKubeconfig: false\n" + kThreeControlPlanes);
  EXPECT_FALSE(none.super_admin_kubeconfig);
  EXPECT_EQ(kubeconfigs_of(none, none.nodes[0]), without);
  EXPECT_EQ(error_of(kHeader + "superAdminKubeconfig: maybe\n" + kThreeControlPlanes),
            "cluster.yaml: superAdminKubeconfig: expected true or false, got 'maybe'");
}

TEST(KubeadmParity, InitWritesSuperAdminOnceAndCheckExpirationAgrees) {
  testing::TempDir dir;
  ClusterConfig c = parse_cluster_config(
      kHeader + "encryptionAlgorithm: ECDSA-P256\ncontrolPlaneEndpoint: 127.0.0.1:6443\n" +
          "nodes:\n  - {name: cp1, address: 127.0.0.1}\n  - {name: cp2, address: 127.0.0.2}\n",
      "cluster.yaml", dir.path(), key_registry());
  InitOptions options;
  options.out_dir = dir.path() + "/out";
  std::ostringstream log;
  run_init(c, options, key_registry(), leaf_key_source(LeafKeyLibrary::OpenSsl), log);
  EXPECT_TRUE(file_exists(options.out_dir + "/nodes/cp1/super-admin.conf"));
  EXPECT_FALSE(file_exists(options.out_dir + "/nodes/cp2/super-admin.conf"));
  // Absent by design on cp2: not reported as missing.
  for (const auto& row : check_expiration(options.out_dir + "/nodes/cp2").certificates)
    EXPECT_FALSE(row.missing) << row.name;
}

// A tree from an older kpki has super-admin.conf on every control-plane node: reported, and
// removed with --force.
TEST(KubeadmParity, InitRemovesMisplacedSuperAdminOnlyWithForce) {
  testing::TempDir dir;
  auto config = [&](const std::string& extra) {
    return parse_cluster_config(kHeader + extra +
                                    "encryptionAlgorithm: ECDSA-P256\n"
                                    "controlPlaneEndpoint: 127.0.0.1:6443\n"
                                    "nodes:\n  - {name: cp1, address: 127.0.0.1}\n"
                                    "  - {name: cp2, address: 127.0.0.2}\n",
                                "cluster.yaml", dir.path(), key_registry());
  };
  InitOptions options;
  options.out_dir = dir.path() + "/out";
  std::ostringstream log;
  run_init(config(""), options, key_registry(), leaf_key_source(LeafKeyLibrary::OpenSsl), log);
  std::string cp1 = options.out_dir + "/nodes/cp1/super-admin.conf";
  std::string cp2 = options.out_dir + "/nodes/cp2/super-admin.conf";
  std::filesystem::copy_file(cp1, cp2);
  EXPECT_THROW(
      run_init(config(""), options, key_registry(), leaf_key_source(LeafKeyLibrary::OpenSsl), log),
      Error);
  EXPECT_NE(log.str().find("MISMATCH        nodes/cp2/super-admin.conf  not written on this node"),
            std::string::npos)
      << log.str();
  EXPECT_TRUE(file_exists(cp2));
  options.force = true;
  PlanCounts s =
      run_init(config(""), options, key_registry(), leaf_key_source(LeafKeyLibrary::OpenSsl), log);
  EXPECT_EQ(s.removed, 1);
  EXPECT_EQ(s.replaced, 0);
  EXPECT_FALSE(file_exists(cp2));
  EXPECT_TRUE(file_exists(cp1));
  // superAdminKubeconfig: false takes it off the first node too.
  s = run_init(config("superAdminKubeconfig: false\n"), options, key_registry(),
               leaf_key_source(LeafKeyLibrary::OpenSsl), log);
  EXPECT_EQ(s.removed, 1);
  EXPECT_FALSE(file_exists(cp1));
}

// Item 15: kubeadm cannot load Ed25519 keys; ECDSA-P384 loads but is no kubeadm <= 1.33 value
// (a warning for a tree made for 1.33; from 1.34 kubeadm offers it: issue 22's version table).
TEST(KubeadmParity, Ed25519RefusedP384Warned) {
  EXPECT_EQ(
      error_of(kHeader + "encryptionAlgorithm: ED25519\nnodes: [{name: a, address: 1.2.3.4}]\n"),
      "cluster.yaml: encryptionAlgorithm: 'ED25519' is not usable for a cluster: kubeadm "
      "cannot load Ed25519 keys (RSA and ECDSA only)");
  EXPECT_EQ(error_of(kKubeadm + "encryptionAlgorithm: ed25519\n")
                .rfind("cluster.yaml: ClusterConfiguration.encryptionAlgorithm: 'ed25519' is not "
                       "usable",
                       0),
            0u);
  ClusterConfig p384 = parse(kHeader +
                             "kubernetesVersion: '1.33'\nencryptionAlgorithm: ECDSA-P384\n"
                             "nodes: [{name: a, address: 1.2.3.4}]\n");
  EXPECT_EQ(p384.algorithm, Algorithm::EcdsaP384);
  ASSERT_EQ(p384.warnings.size(), 1u);
  EXPECT_EQ(p384.warnings[0],
            "cluster.yaml: encryptionAlgorithm: 'ECDSA-P384' is not an encryption algorithm of "
            "kubeadm 1.33 (it offers RSA-2048, RSA-3072, RSA-4096, ECDSA-P256); its kubeadm "
            "still loads the keys");
  EXPECT_TRUE(
      parse(kHeader + "encryptionAlgorithm: ECDSA-P384\nnodes: [{name: a, address: 1.2.3.4}]\n")
          .warnings.empty());
  EXPECT_TRUE(
      parse(kHeader + "encryptionAlgorithm: ECDSA-P256\nnodes: [{name: a, address: 1.2.3.4}]\n")
          .warnings.empty());
}

// Item 16: several control-plane nodes need a stable controlPlaneEndpoint.
TEST(KubeadmParity, SeveralControlPlanesNeedAnEndpoint) {
  EXPECT_EQ(error_of(kHeader + kThreeControlPlanes),
            "cluster.yaml: controlPlaneEndpoint: required with 3 control-plane nodes (kubeadm "
            "needs a stable endpoint to join more than one)");
  ClusterConfig c = parse(kHeader + "controlPlaneEndpoint: lb.example.com\n" + kThreeControlPlanes);
  // cp2's apiserver certificate names the endpoint, not cp1's address.
  SubjectAltNames sans = apiserver_sans(c, c.nodes[1]);
  EXPECT_EQ(std::count(sans.ips.begin(), sans.ips.end(), "10.0.0.1"), 0);
  EXPECT_EQ(std::count(sans.dns.begin(), sans.dns.end(), "lb.example.com"), 1);
  // One control-plane node and workers: the default endpoint stays.
  EXPECT_EQ(parse(kHeader + "nodes:\n  - {name: cp1, address: 10.0.0.1}\n"
                            "  - {name: w1, address: 10.0.0.21, role: worker}\n")
                .control_plane_endpoint.host_port(),
            "10.0.0.1:6443");
}

// The CLI prints config warnings on stderr and refuses without --config.
TEST(KubeadmParity, CliWarnsAndRenewRequiresConfig) {
  testing::TempDir dir;
  write_file_atomic(dir.file("cluster.yaml"),
                    kHeader + "kubernetesVersion: '1.33'\nencryptionAlgorithm: ECDSA-P384\n" +
                        "nodes: [{name: cp1, address: 127.0.0.1}]\n",
                    0644, Overwrite::No);
  std::string kpki = testing::kpki_binary();
  auto init = testing::run_command(kpki + " init --config " + dir.file("cluster.yaml") + " --dir " +
                                   dir.file("out") + " 2>&1");
  EXPECT_EQ(init.exit_code, 0) << init.output;
  EXPECT_NE(init.output.find("kpki: warning: " + dir.file("cluster.yaml") +
                             ": encryptionAlgorithm: 'ECDSA-P384'"),
            std::string::npos)
      << init.output;
  auto renew =
      testing::run_command(kpki + " certs renew all --dir " + dir.file("out/nodes/cp1") + " 2>&1");
  EXPECT_EQ(renew.exit_code, 2) << renew.output;
  EXPECT_NE(renew.output.find("--config"), std::string::npos) << renew.output;
}

}  // namespace
}  // namespace kpki::kube
