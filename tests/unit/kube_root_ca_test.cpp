// An offline root over the cluster's CAs (docs/ca-lifecycle.md): rootCA in the config, the
// pathLenConstraint the one authority door enforces, what each file of a tree under a root
// holds (intermediate + root in CA files, leaf + intermediate in leaf files and kubeconfigs),
// and that a second init, renew and check-expiration keep and show the chain.
#include <openssl/x509v3.h>

#include "core/issue/profiles.h"
#include "core/kubernetes/model/ca_keys_config.h"
#include "core/kubernetes/tree/ca_chain.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "tests/support/cluster_config_errors.h"
#include "tests/support/kube_init_fixture.h"

namespace kpki::kube::testing_init {
namespace {

std::vector<Certificate> certs_of_pem(const std::string& pem, const std::string& where) {
  testing::TempDir dir;
  write_file_atomic(dir.file("f.pem"), pem, 0644, Overwrite::Yes);
  std::vector<Certificate> certs = Certificate::load_bundle(dir.file("f.pem"));
  EXPECT_FALSE(certs.empty()) << where;
  return certs;
}

long pathlen(const Certificate& cert) { return X509_get_pathlen(cert.x509()); }

CertificateRequest ca_request(const Signer& key, const std::string& cn,
                              std::optional<int> path_length) {
  CertificateRequest request;
  request.subject.common_name = cn;
  request.subject_public_key = key.public_key_der();
  apply_profile(Profile::Ca, key_type(key.algorithm()), request);
  request.path_length = path_length;
  request.validity = Validity::from_now(std::chrono::hours(24 * 365));
  return request;
}

TEST(RootCa, ConfigNamesBothFieldsResolved) {
  const std::string yaml =
      "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nrootCA: {cert: root/root.crt, key: "
      "root/root.key}\nnodes:\n  - {name: cp1, address: 127.0.0.1}\n";
  ClusterConfig c = parse_cluster_config(yaml, "cluster.yaml", "/cfg", key_registry());
  EXPECT_EQ(c.root_ca.cert, "/cfg/root/root.crt");
  EXPECT_EQ(c.root_ca.key_uri, "/cfg/root/root.key");
  std::string missing = testing::config_error_of(
      "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nrootCA: {cert: root.crt}\nnodes:\n  - "
      "{name: cp1, address: 127.0.0.1}\n");
  EXPECT_NE(missing.find("rootCA.key"), std::string::npos) << missing;
  std::string unknown = testing::config_error_of(
      "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nrootCA: {cert: r.crt, key: r.key, kee: x}\n"
      "nodes:\n  - {name: cp1, address: 127.0.0.1}\n");
  EXPECT_NE(unknown.find("rootCA.kee"), std::string::npos) << unknown;
}

// The authority door refuses a CA its pathLenConstraint forbids (RFC 5280 4.2.1.9).
TEST(RootCa, PathLengthIsEnforcedAtTheAuthority) {
  auto root_key = testing::make_signer(Algorithm::EcdsaP256);
  auto inter_key = testing::make_signer(Algorithm::EcdsaP256);
  auto sub_key = testing::make_signer(Algorithm::EcdsaP256);
  Issued root = Authority::self_sign(ca_request(*root_key, "root", 1), *root_key);
  Authority root_ca(Certificate::from_der(root.certificate.der()), root_key);
  EXPECT_EQ(error_of([&] { root_ca.issue(ca_request(*inter_key, "i", 1)); }).code(),
            ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { root_ca.issue(ca_request(*inter_key, "i", std::nullopt)); }).code(),
            ErrorCode::InvalidInput);
  Issued inter = root_ca.issue(ca_request(*inter_key, "i", 0));
  EXPECT_EQ(pathlen(inter.certificate), 0);
  Authority inter_ca(Certificate::from_der(inter.certificate.der()), inter_key);
  Error refused = error_of([&] { inter_ca.issue(ca_request(*sub_key, "sub", 0)); });
  EXPECT_EQ(refused.code(), ErrorCode::InvalidInput);
  EXPECT_NE(std::string(refused.what()).find("pathLenConstraint 0"), std::string::npos);
}

class RootCaTree : public KubeInit {
 protected:
  void SetUp() override {
    auto key = testing::make_signer(Algorithm::EcdsaP256);
    root_key_ = dir_.file("root.key");
    // The root as a file key: made through the registry so init can open it by URI.
    auto signer =
        key_registry().manager_for(root_key_).generate(root_key_, Algorithm::EcdsaP256, {});
    Issued root = Authority::self_sign(ca_request(*signer, "offline root", std::nullopt), *signer);
    root_pem_ = root.certificate.pem();
    write_file_atomic(dir_.file("root.crt"), root_pem_, 0644, Overwrite::Yes);
  }
  ClusterConfig rooted() {
    return parse_cluster_config(cluster_yaml() + "rootCA: {cert: root.crt, key: root.key}\n",
                                "cluster.yaml", dir_.path(), key_registry());
  }
  Certificate root() { return Certificate::from_pem(root_pem_); }
  std::string root_key_, root_pem_;
};

TEST_F(RootCaTree, FilesCarryTheChainAndTheRootVerifiesEveryLeaf) {
  init(rooted());
  for (const char* rel : {"pki/ca.crt", "pki/etcd/ca.crt", "pki/front-proxy-ca.crt"}) {
    std::vector<Certificate> ca = Certificate::load_bundle(cp1() + "/" + rel);
    ASSERT_EQ(ca.size(), 2u) << rel;
    EXPECT_TRUE(signed_by(ca[0], root())) << rel;
    EXPECT_EQ(pathlen(ca[0]), 0) << rel;
    EXPECT_EQ(ca[1].der(), root().der()) << rel;
  }
  Certificate inter = first_certificate(cp1() + "/pki/ca.crt");
  std::vector<Certificate> api = Certificate::load_bundle(cp1() + "/pki/apiserver.crt");
  ASSERT_EQ(api.size(), 2u);
  EXPECT_TRUE(signed_by(api[0], inter));
  EXPECT_EQ(api[1].der(), inter.der());
  Kubeconfig admin = parse_kubeconfig(read_text_file(cp1() + "/admin.conf"), "admin.conf");
  EXPECT_EQ(admin.ca_pem, read_text_file(cp1() + "/pki/ca.crt"));
  std::vector<Certificate> client = certs_of_pem(admin.client_cert_pem, "admin.conf");
  ASSERT_EQ(client.size(), 2u);
  EXPECT_EQ(client[1].der(), inter.der());
  Kubeconfig worker = parse_kubeconfig(read_text_file(w1() + "/kubelet.conf"), "w1 kubelet.conf");
  EXPECT_EQ(worker.ca_pem, read_text_file(w1() + "/pki/ca.crt"));

  // A second init keeps everything; it never needs the root key.
  fs::remove(root_key_);
  PlanCounts again = init(rooted());
  EXPECT_EQ(again.created + again.replaced, 0) << last_log_;
}

TEST_F(RootCaTree, RenewKeepsTheChainAndCheckExpirationListsTheRootOnce) {
  init(rooted());
  fs::remove(root_key_);  // renew needs the intermediates' keys only
  RenewOptions options;
  options.node_dir = cp1();
  options.names = {"all"};
  options.config = rooted();
  std::ostringstream log;
  std::string before = read_text_file(cp1() + "/pki/apiserver.crt");
  renew_certificates(options, key_registry(), keys_, log);
  std::string after = read_text_file(cp1() + "/pki/apiserver.crt");
  EXPECT_NE(before, after);
  std::vector<Certificate> api = Certificate::load_bundle(cp1() + "/pki/apiserver.crt");
  ASSERT_EQ(api.size(), 2u);
  EXPECT_EQ(api[1].der(), first_certificate(cp1() + "/pki/ca.crt").der());
  Kubeconfig admin = parse_kubeconfig(read_text_file(cp1() + "/admin.conf"), "admin.conf");
  EXPECT_EQ(certs_of_pem(admin.client_cert_pem, "admin.conf").size(), 2u);

  ExpirationReport report = check_expiration(cp1());
  int roots = 0, new_rows = 0;
  for (const ExpirationRow& row : report.authorities) {
    if (row.name == "root (offline root)") ++roots;
    if (row.name.find("(new)") != std::string::npos) ++new_rows;
  }
  EXPECT_EQ(roots, 1);
  EXPECT_EQ(new_rows, 0);
  EXPECT_EQ(report.authorities.size(), 4u);
}

TEST_F(RootCaTree, SelfSignedTreeUnderANewRootIsAMismatch) {
  init(config());
  EXPECT_EQ(error_of([&] { init(rooted()); }).code(), ErrorCode::AlreadyExists);
  EXPECT_NE(last_log_.find("is not signed by rootCA"), std::string::npos) << last_log_;
  init(rooted(), /*force=*/true);
  EXPECT_TRUE(signed_by(first_certificate(cp1() + "/pki/ca.crt"), root()));
}

// ca import writes a new config naming the token keys: rootCA goes with it, absolute.
TEST_F(RootCaTree, ImportedConfigKeepsTheRoot) {
  write_file_atomic(dir_.file("cluster.yaml"),
                    cluster_yaml() + "rootCA: {cert: root.crt, key: root.key}\n", 0644,
                    Overwrite::Yes);
  ClusterConfig c = load_cluster_config(dir_.file("cluster.yaml"), key_registry());
  fs::create_directories(dir_.file("elsewhere"));
  std::string out_path = dir_.file("elsewhere/cluster-hsm.yaml");
  std::string text =
      config_with_ca_keys(c, {{"ca", dir_.file("new-ca.key")}}, out_path, key_registry());
  ClusterConfig back = parse_cluster_config(text, out_path, dir_.file("elsewhere"), key_registry());
  EXPECT_EQ(back.root_ca.cert, dir_.file("root.crt"));
  EXPECT_EQ(back.root_ca.key_uri, dir_.file("root.key"));
}

}  // namespace
}  // namespace kpki::kube::testing_init
