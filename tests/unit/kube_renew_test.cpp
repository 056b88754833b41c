// kpki certs renew takes every identity from the cluster config's table: a planted certificate
// (self-signed, another identity, another CA) is refused before anything is written.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/fs/file_io.h"
#include "core/issue/authority.h"
#include "core/issue/profiles.h"
#include "core/kubernetes/init/init.h"
#include "core/kubernetes/renew/renew.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/util/error.h"
#include "tests/support/test_keys.h"

namespace kpki::kube {
namespace {

namespace fs = std::filesystem;

class KubeRenew : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = parse_cluster_config(
        "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nencryptionAlgorithm: ECDSA-P256\n"
        "nodes:\n  - {name: cp1, address: 127.0.0.1}\n"
        "  - {name: w1, address: 10.0.0.21, role: worker}\n",
        "cluster.yaml", dir_.path(), key_registry());
    InitOptions options;
    options.out_dir = out();
    std::ostringstream log;
    run_init(config_, options, key_registry(), keys_, log);
  }

  std::string out() const { return dir_.path() + "/out"; }
  std::string cp1() const { return out() + "/nodes/cp1"; }
  std::string w1() const { return out() + "/nodes/w1"; }

  Plan renew(const std::string& dir, std::vector<std::string> names, const std::string& node = "") {
    RenewOptions options;
    options.node_dir = dir;
    options.node_name = node;
    options.names = std::move(names);
    options.config = config_;
    std::ostringstream log;
    return renew_certificates(options, key_registry(), keys_, log);
  }

  // The message of the Error renew throws; fails the test when it throws nothing.
  std::string refusal(const std::string& dir, std::vector<std::string> names) {
    try {
      renew(dir, std::move(names));
    } catch (const Error& e) {
      return e.message();
    }
    ADD_FAILURE() << "renew did not refuse";
    return "";
  }

  // Every file of the tree with its bytes.
  std::map<std::string, std::string> snapshot() {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(out()))
      if (e.is_regular_file()) files[e.path().string()] = read_text_file(e.path().string());
    return files;
  }

  // A server certificate for `subject` with cp1's kubelet SANs, signed by `signer` as `issuer`
  // (nullptr: self-signed), written with its key over cp1's kubelet.{crt,key}.
  void plant_kubelet(const Subject& subject, const Certificate* issuer, const Signer* signer) {
    LeafKey key = keys_.generate(Algorithm::EcdsaP256);
    CertificateRequest request;
    request.subject = subject;
    request.sans.dns = {"cp1"};
    request.sans.ips = {"127.0.0.1"};
    request.subject_public_key = key.signer->public_key_der();
    apply_profile(Profile::Server, KeyType::Ec, request);
    request.validity = Validity::from_now(std::chrono::hours(24));
    Certificate cert = issuer ? Authority(Certificate::from_der(issuer->der()),
                                          std::shared_ptr<const Signer>(signer, [](auto*) {}))
                                    .issue(request)
                                    .certificate
                              : Authority::self_sign(request, *key.signer).certificate;
    write_file_atomic(cp1() + "/kubelet/kubelet.crt", cert.pem(), 0644, Overwrite::Yes);
    write_file_atomic(cp1() + "/kubelet/kubelet.key", key.pem.reveal(), 0600, Overwrite::Yes);
  }

  Subject node_subject(const std::string& org) {
    Subject s;
    s.common_name = "system:node:cp1";
    s.organizations = {org};
    return s;
  }

  testing::TempDir dir_;
  const LeafKeySource& keys_ = leaf_key_source(LeafKeyLibrary::OpenSsl);
  ClusterConfig config_;
};

// The attack from the issue: a self-signed O=system:masters certificate over kubelet.crt came
// back signed by the cluster CA.
TEST_F(KubeRenew, RefusesSelfSignedSystemMastersCertificate) {
  plant_kubelet(node_subject("system:masters"), nullptr, nullptr);
  auto before = snapshot();
  std::string message = refusal(cp1(), {"kubelet"});
  EXPECT_EQ(message,
            "'" + cp1() + "/kubelet/kubelet.crt' is not signed by CA '" + cp1() + "/pki/ca.crt'");
  EXPECT_EQ(snapshot(), before);
  // `all` checks every file before renewing any: apiserver (renewed first) is untouched too.
  EXPECT_NE(refusal(cp1(), {"all"}).find("kubelet.crt' is not signed by CA"), std::string::npos);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(KubeRenew, RefusesCaSignedCertificateNamingAnotherIdentity) {
  auto ca_key = key_registry().manager_for(out() + "/pki/ca.key").open(out() + "/pki/ca.key", {});
  Certificate ca = Certificate::load(out() + "/pki/ca.crt");
  plant_kubelet(node_subject("system:masters"), &ca, ca_key.get());
  auto before = snapshot();
  EXPECT_EQ(refusal(cp1(), {"kubelet"}),
            "'" + cp1() +
                "/kubelet/kubelet.crt': subject is 'CN=system:node:cp1, O=system:masters', "
                "config wants 'CN=system:node:cp1, O=system:nodes'");
  EXPECT_EQ(snapshot(), before);

  // Another node's kubelet certificate, issued by the same CA.
  fs::copy_file(w1() + "/kubelet/kubelet.crt", cp1() + "/kubelet/kubelet.crt",
                fs::copy_options::overwrite_existing);
  fs::copy_file(w1() + "/kubelet/kubelet.key", cp1() + "/kubelet/kubelet.key",
                fs::copy_options::overwrite_existing);
  before = snapshot();
  EXPECT_NE(refusal(cp1(), {"kubelet"}).find("subject is 'CN=system:node:w1, O=system:nodes'"),
            std::string::npos);
  EXPECT_EQ(snapshot(), before);

  // A kubeconfig embedding another identity: super-admin.conf (system:masters) as admin.conf.
  fs::copy_file(cp1() + "/super-admin.conf", cp1() + "/admin.conf",
                fs::copy_options::overwrite_existing);
  before = snapshot();
  EXPECT_NE(refusal(cp1(), {"admin.conf"})
                .find("admin.conf': subject is 'CN=kubernetes-super-admin, O=system:masters'"),
            std::string::npos);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(KubeRenew, RefusesCertificateOfAnotherCaWithTheSameName) {
  // Same issuer DN ("kubernetes"), same identity as the table, but another key signed it.
  auto rogue = kpki::testing::make_signer(Algorithm::EcdsaP256);
  Certificate rogue_ca = kpki::testing::make_test_ca(*rogue, "kubernetes");
  plant_kubelet(node_subject("system:nodes"), &rogue_ca, rogue.get());
  auto before = snapshot();
  EXPECT_EQ(refusal(cp1(), {"kubelet"}),
            "'" + cp1() + "/kubelet/kubelet.crt' is not signed by CA '" + cp1() + "/pki/ca.crt'");
  EXPECT_EQ(snapshot(), before);
}

TEST_F(KubeRenew, RenewsWithTheTableIdentityAndServer) {
  // The kubeconfig's server is not identity: a tampered one is replaced by the table's.
  std::string admin_path = cp1() + "/admin.conf";
  Kubeconfig admin = parse_kubeconfig(read_text_file(admin_path), "admin.conf");
  admin.server = "https://203.0.113.9:6443";
  write_file_atomic(admin_path, render_kubeconfig(admin), 0600, Overwrite::Yes);
  Certificate old = Certificate::load(cp1() + "/kubelet/kubelet.crt");
  auto results = renew(cp1(), {"kubelet", "admin.conf"});
  ASSERT_EQ(results.counts().replaced, 2);
  Certificate cert = Certificate::load(cp1() + "/kubelet/kubelet.crt");
  EXPECT_NE(cert.serial_hex(), old.serial_hex());
  EXPECT_EQ(cert.subject(), node_subject("system:nodes"));
  EXPECT_EQ(cert.subject_alt_names(), old.subject_alt_names());
  Kubeconfig renewed = parse_kubeconfig(read_text_file(admin_path), "admin.conf");
  EXPECT_EQ(renewed.server, "https://127.0.0.1:6443");
  EXPECT_NE(renewed.client_cert_pem, admin.client_cert_pem);
}

TEST_F(KubeRenew, NodeComesFromTheDirectoryNameOrIsNamed) {
  std::string moved = dir_.path() + "/elsewhere";
  fs::rename(cp1(), moved);
  try {
    renew(moved, {"kubelet"});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_EQ(e.message(),
              "cluster.yaml has no node named 'elsewhere' (for node directory '" + moved + "')");
  }
  EXPECT_EQ(renew(moved, {"kubelet"}, "cp1").counts().replaced, 1);
  EXPECT_THROW(renew(moved, {"kubelet"}, "cp9"), Error);
  // w1's table has no apiserver.
  EXPECT_NE(refusal(w1(), {"apiserver"}).find("is not a certificate of node 'w1'"),
            std::string::npos);
}

}  // namespace
}  // namespace kpki::kube
