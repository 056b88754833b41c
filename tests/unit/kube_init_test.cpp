// kpki init end to end through the core API: layout, modes, kubeconfig contents, idempotency,
// --force and dry runs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include "tests/support/kube_init_fixture.h"

namespace kpki::kube {
namespace {

using namespace testing_init;  // NOLINT: the fixture and its helpers
using testing::error_of;

TEST_F(KubeInit, LayoutAndModes) {
  PlanCounts s = init(config());
  EXPECT_EQ(s.mismatched, 0);
  std::set<std::string> cp = {"admin.conf",
                              "controller-manager.conf",
                              "kube-proxy.conf",
                              "kubelet.conf",
                              "scheduler.conf",
                              "super-admin.conf",
                              "kubelet/config-tls.yaml",
                              "kubelet/kubelet.crt",
                              "kubelet/kubelet.key",
                              "pki/apiserver-etcd-client.crt",
                              "pki/apiserver-etcd-client.key",
                              "pki/apiserver-kubelet-client.crt",
                              "pki/apiserver-kubelet-client.key",
                              "pki/apiserver.crt",
                              "pki/apiserver.key",
                              "pki/ca.crt",
                              "pki/ca.key",
                              "pki/etcd/ca.crt",
                              "pki/etcd/ca.key",
                              "pki/etcd/healthcheck-client.crt",
                              "pki/etcd/healthcheck-client.key",
                              "pki/etcd/peer.crt",
                              "pki/etcd/peer.key",
                              "pki/etcd/server.crt",
                              "pki/etcd/server.key",
                              "pki/front-proxy-ca.crt",
                              "pki/front-proxy-ca.key",
                              "pki/front-proxy-client.crt",
                              "pki/front-proxy-client.key",
                              "pki/sa.key",
                              "pki/sa.pub"};
  EXPECT_EQ(files_under(cp1()), cp);
  std::set<std::string> worker = {"kube-proxy.conf",         "kubelet.conf",
                                  "kubelet/config-tls.yaml", "kubelet/kubelet.crt",
                                  "kubelet/kubelet.key",     "pki/ca.crt"};
  EXPECT_EQ(files_under(w1()), worker);
  for (const auto& f : cp) {
    std::string path = cp1() + "/" + f;
    bool secret = f.ends_with(".key") || f.ends_with(".conf");
    EXPECT_EQ(mode_of(path), secret ? 0600u : 0644u) << f;
  }
  for (const auto& d : {out(), out() + "/nodes", cp1(), cp1() + "/pki", cp1() + "/pki/etcd",
                        cp1() + "/kubelet", w1()})
    EXPECT_EQ(mode_of(d), 0700u) << d;
  // Files shared by the cluster are identical on every node.
  EXPECT_EQ(read_text_file(cp1() + "/pki/ca.crt"), read_text_file(out() + "/pki/ca.crt"));
  EXPECT_EQ(read_text_file(w1() + "/pki/ca.crt"), read_text_file(out() + "/pki/ca.crt"));
  EXPECT_EQ(read_text_file(cp1() + "/pki/sa.key"), read_text_file(out() + "/pki/sa.key"));
  EXPECT_NE(read_text_file(cp1() + "/pki/sa.pub").find("BEGIN PUBLIC KEY"), std::string::npos);
  std::string tls = read_text_file(cp1() + "/kubelet/config-tls.yaml");
  YAML::Node kubelet = YAML::Load(tls);
  EXPECT_EQ(kubelet["kind"].as<std::string>(), "KubeletConfiguration");
  EXPECT_EQ(kubelet["tlsCertFile"].as<std::string>(), "/etc/kubernetes/kubelet/kubelet.crt");
  EXPECT_EQ(kubelet["tlsPrivateKeyFile"].as<std::string>(), "/etc/kubernetes/kubelet/kubelet.key");
  EXPECT_EQ(kubelet["authentication"]["x509"]["clientCAFile"].as<std::string>(),
            "/etc/kubernetes/pki/ca.crt");
}

TEST_F(KubeInit, KubeconfigsParseBackAndEmbedTheRightCerts) {
  init(config());
  std::string ca_pem = read_text_file(cp1() + "/pki/ca.crt");
  struct Want {
    std::string file, user, server;
    std::vector<std::string> orgs;
  } wants[] = {
      {"admin.conf", "kubernetes-admin", "https://127.0.0.1:6443", {"kubeadm:cluster-admins"}},
      {"super-admin.conf", "kubernetes-super-admin", "https://127.0.0.1:6443", {"system:masters"}},
      {"controller-manager.conf", "system:kube-controller-manager", "https://127.0.0.1:6443", {}},
      {"scheduler.conf", "system:kube-scheduler", "https://127.0.0.1:6443", {}},
      {"kubelet.conf", "system:node:cp1", "https://127.0.0.1:6443", {"system:nodes"}},
      {"kube-proxy.conf", "system:kube-proxy", "https://127.0.0.1:6443", {"system:node-proxier"}},
  };
  for (const auto& want : wants) {
    SCOPED_TRACE(want.file);
    YAML::Node root = YAML::LoadFile(cp1() + "/" + want.file);
    std::string context = want.user + "@kubernetes";
    EXPECT_EQ(root["apiVersion"].as<std::string>(), "v1");
    EXPECT_EQ(root["kind"].as<std::string>(), "Config");
    EXPECT_EQ(root["current-context"].as<std::string>(), context);
    EXPECT_EQ(root["contexts"][0]["name"].as<std::string>(), context);
    EXPECT_EQ(root["contexts"][0]["context"]["cluster"].as<std::string>(), "kubernetes");
    EXPECT_EQ(root["clusters"][0]["name"].as<std::string>(), "kubernetes");
    EXPECT_EQ(root["clusters"][0]["cluster"]["server"].as<std::string>(), want.server);
    EXPECT_EQ(
        base64_decode(
            root["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>(), "ca"),
        ca_pem);
    EXPECT_EQ(root["users"][0]["name"].as<std::string>(), want.user);
    Certificate cert = Certificate::from_pem(base64_decode(
        root["users"][0]["user"]["client-certificate-data"].as<std::string>(), "cert"));
    EXPECT_EQ(cert.subject().common_name, want.user);
    EXPECT_EQ(cert.subject().organizations, want.orgs);
    EXPECT_EQ(cert.extended_key_usage(),
              std::vector<ExtendedKeyUsage>{ExtendedKeyUsage::ClientAuth});
    LeafKey key = keys_.from_pem(
        base64_decode(root["users"][0]["user"]["client-key-data"].as<std::string>(), "key"), "key");
    EXPECT_EQ(key.signer->public_key_der(), cert.public_key_der());
  }
  YAML::Node worker = YAML::LoadFile(w1() + "/kubelet.conf");
  EXPECT_EQ(worker["users"][0]["name"].as<std::string>(), "system:node:w1");
}

TEST_F(KubeInit, SecondRunChangesNothing) {
  init(config());
  auto before = snapshot(out());
  PlanCounts s = init(config());
  EXPECT_EQ(s.created, 0);
  EXPECT_EQ(s.replaced, 0);
  EXPECT_EQ(s.mismatched, 0);
  // cp1: 14 leaves + 9 copies; w1: 3 leaves + 2 copies; OUT/pki: 3 CA certificates + sa.key.
  EXPECT_EQ(s.kept, 32);
  EXPECT_EQ(snapshot(out()), before);  // same mtimes, same bytes (so same serials)
}

TEST_F(KubeInit, MissingFilesAreCreatedKeepingTheirKey) {
  init(config());
  record_tree();  // the key is one kpki issued for its file
  std::string key = read_text_file(cp1() + "/pki/apiserver.key");
  fs::remove(cp1() + "/pki/apiserver.crt");
  fs::remove(cp1() + "/admin.conf");
  PlanCounts s = init(config());
  EXPECT_EQ(s.created, 2);
  EXPECT_EQ(read_text_file(cp1() + "/pki/apiserver.key"), key);
  EXPECT_EQ(Certificate::load(cp1() + "/pki/apiserver.crt").public_key_der(),
            keys_.from_pem(key, "k").signer->public_key_der());
}

TEST_F(KubeInit, ChangedSansAreReportedAndReplacedOnlyWithForce) {
  init(config());
  auto before = snapshot(out());
  EXPECT_THROW(
      {
        try {
          init(config(", new.example.com"));
        } catch (const Error& e) {
          EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
          // The hint (--force) is the CLI's; the core error names the config.
          EXPECT_NE(std::string(e.what()).find("no longer match cluster.yaml"), std::string::npos);
          throw;
        }
      },
      Error);
  EXPECT_NE(last_log_.find("MISMATCH"), std::string::npos);
  EXPECT_EQ(snapshot(out()), before);
  std::string old_serial = Certificate::load(cp1() + "/pki/apiserver.crt").serial_hex();
  PlanCounts s = init(config(", new.example.com"), /*force=*/true);
  EXPECT_EQ(s.replaced, 1);  // only apiserver of cp1 names certSANs
  EXPECT_EQ(s.mismatched, 0);
  Certificate cert = Certificate::load(cp1() + "/pki/apiserver.crt");
  EXPECT_NE(cert.serial_hex(), old_serial);
  auto dns = cert.subject_alt_names().dns;
  EXPECT_NE(std::find(dns.begin(), dns.end(), "new.example.com"), dns.end());
}

// The whole run is planned first: one mismatching file refuses it before anything is written,
// even the files that are merely missing (an older kpki created those, then failed).
TEST_F(KubeInit, MismatchRefusesBeforeAnyWrite) {
  init(config());
  fs::remove(cp1() + "/admin.conf");
  fs::remove(w1() + "/kubelet/kubelet.key");  // its certificate stays: a mismatch
  auto before = snapshot(out());
  EXPECT_THROW(init(config()), Error);
  EXPECT_NE(last_log_.find("key missing"), std::string::npos) << last_log_;
  EXPECT_FALSE(file_exists(cp1() + "/admin.conf"));
  EXPECT_EQ(snapshot(out()), before);
}

TEST_F(KubeInit, NewCaMakesItsLeavesMismatch) {
  init(config());
  fs::remove(out() + "/pki/etcd/ca.crt");
  fs::remove(out() + "/pki/etcd/ca.key");
  EXPECT_THROW(init(config()), Error);
  // Planned before anything is written: the new etcd-ca does not exist yet.
  EXPECT_NE(last_log_.find("its CA is about to be created"), std::string::npos);
  PlanCounts s = init(config(), /*force=*/true);
  // etcd/ca.crt, etcd/ca.key copies and the four etcd-signed leaves.
  EXPECT_EQ(s.replaced, 6);
  EXPECT_EQ(read_text_file(cp1() + "/pki/etcd/ca.crt"), read_text_file(out() + "/pki/etcd/ca.crt"));
}

TEST_F(KubeInit, DryRunWritesNothing) {
  PlanCounts s = init(config(), false, /*dry_run=*/true);
  EXPECT_FALSE(file_exists(out()));
  EXPECT_EQ(s.created, 32);
  EXPECT_NE(last_log_.find("would create"), std::string::npos);
  EXPECT_NE(last_log_.find("CN=kube-apiserver"), std::string::npos);
  EXPECT_NE(last_log_.find("IP:10.96.0.1"), std::string::npos);
  EXPECT_NE(last_log_.find("signer: etcd-ca"), std::string::npos);
  init(config());
  auto before = snapshot(out());
  s = init(config(", other.example.com"), false, true);
  EXPECT_EQ(s.mismatched, 1);
  EXPECT_EQ(snapshot(out()), before);
}

}  // namespace
}  // namespace kpki::kube
