// kpki init end to end through the core API: layout, modes, kubeconfig contents, idempotency,
// --force, dry runs, check-expiration and renew.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/fs/file_io.h"
#include "core/kubernetes/init/init.h"
#include "core/kubernetes/plan/plan_output.h"
#include "core/kubernetes/renew/renew.h"
#include "core/kubernetes/tree/expiration.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/ledger/ledger.h"
#include "core/util/error.h"
#include "tests/support/error_of.h"
#include "tests/support/test_keys.h"
#include "tests/support/tree_records.h"

namespace kpki::kube {
namespace {

namespace fs = std::filesystem;
using testing::error_of;

std::string cluster_yaml(const std::string& extra_sans = "") {
  return "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nencryptionAlgorithm: ECDSA-P256\n"
         "apiServer: {certSANs: [k8s.example.com" +
         extra_sans +
         "]}\n"
         "nodes:\n  - {name: cp1, address: 127.0.0.1}\n"
         "  - {name: w1, address: 10.0.0.21, role: worker}\n";
}

class KubeInit : public ::testing::Test {
 protected:
  ClusterConfig config(const std::string& extra = "") {
    return parse_cluster_config(cluster_yaml(extra), "cluster.yaml", dir_.path(), key_registry());
  }
  PlanCounts init(const ClusterConfig& c, bool force = false, bool dry_run = false) {
    InitOptions options;
    options.out_dir = out();
    options.force = force;
    options.dry_run = dry_run;
    options.ledger = ledger_.get();
    options.adopt_keys = adopt_keys_;
    std::ostringstream log;
    try {
      PlanCounts s = run_init(c, options, key_registry(), keys_, log);
      last_log_ = log.str();
      return s;
    } catch (...) {
      last_log_ = log.str();
      throw;
    }
  }
  std::string out() const { return dir_.path() + "/out"; }
  std::string cp1() const { return out() + "/nodes/cp1"; }
  std::string w1() const { return out() + "/nodes/w1"; }

  // Every regular file under `root` with its mtime (ns) and content.
  std::map<std::string, std::pair<long long, std::string>> snapshot(const std::string& root) {
    std::map<std::string, std::pair<long long, std::string>> files;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file()) continue;
      struct stat st {};
      ::stat(e.path().c_str(), &st);
      files[e.path().string()] = {st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
                                  read_text_file(e.path().string())};
    }
    return files;
  }

  // The ledger init's journal would have filled: every certificate of the tree as it is now.
  void record_tree() {
    if (!ledger_) ledger_ = ledger::open_ledger(dir_.path() + "/ledger.db");
    testing::TreeRecorder(*ledger_).record_new(out());
  }

  testing::TempDir dir_;
  const LeafKeySource& keys_ = leaf_key_source(LeafKeyLibrary::OpenSsl);
  std::string last_log_;
  std::unique_ptr<ledger::Ledger> ledger_;
  bool adopt_keys_ = false;
};

std::set<std::string> files_under(const std::string& root) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out.insert(fs::relative(e.path(), root).string());
  return out;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

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

TEST_F(KubeInit, CheckExpirationListsEveryFile) {
  init(config());
  fs::remove(cp1() + "/scheduler.conf");
  auto now = std::chrono::ceil<std::chrono::seconds>(Clock::now());
  nlohmann::json j = expiration_json(check_expiration(cp1()), now);
  nlohmann::json parsed = nlohmann::json::parse(j.dump());
  ASSERT_EQ(parsed["certificates"].size(), 14u);
  ASSERT_EQ(parsed["certificateAuthorities"].size(), 3u);
  for (const auto& row : parsed["certificates"]) {
    SCOPED_TRACE(row.dump());
    bool missing = row["name"] == "scheduler.conf";
    EXPECT_EQ(row["missing"].get<bool>(), missing);
    if (!missing) {
      EXPECT_EQ(row["residualTime"], "364d");
    }
    EXPECT_FALSE(row["externallyManaged"].get<bool>());
  }
  EXPECT_EQ(parsed["certificateAuthorities"][0]["residualTime"], "9y");
  std::string text = render_expiration_text(check_expiration(cp1()), now);
  EXPECT_NE(text.find("!MISSING! scheduler.conf"), std::string::npos);
  EXPECT_NE(text.find("CERTIFICATE AUTHORITY   EXPIRES"), std::string::npos);
  ASSERT_EQ(check_expiration(w1()).certificates.size(), 3u);
  EXPECT_EQ(residual_time(now - std::chrono::hours(1), now), "<invalid>");
  EXPECT_EQ(format_expiry_date(TimePoint(std::chrono::seconds(1812288480))),
            "Jun 06, 2027 13:28 UTC");
}

TEST_F(KubeInit, RenewChangesSerialAndKeyKeepsIdentity) {
  init(config());
  Certificate old_cert = Certificate::load(cp1() + "/pki/etcd/server.crt");
  std::string old_key = read_text_file(cp1() + "/pki/etcd/server.key");
  Kubeconfig old_admin = parse_kubeconfig(read_text_file(cp1() + "/admin.conf"), "admin.conf");
  RenewOptions options;
  options.node_dir = cp1();
  options.names = {"etcd-server", "admin.conf"};
  options.config = config();
  std::ostringstream log;
  auto results = renew_certificates(options, key_registry(), keys_, log);
  ASSERT_EQ(results.counts().replaced, 2);
  Certificate cert = Certificate::load(cp1() + "/pki/etcd/server.crt");
  EXPECT_NE(cert.serial_hex(), old_cert.serial_hex());
  EXPECT_NE(read_text_file(cp1() + "/pki/etcd/server.key"), old_key);
  EXPECT_NE(cert.public_key_der(), old_cert.public_key_der());
  EXPECT_EQ(cert.subject(), old_cert.subject());
  EXPECT_EQ(cert.subject_alt_names(), old_cert.subject_alt_names());
  EXPECT_EQ(cert.extended_key_usage(), old_cert.extended_key_usage());
  Kubeconfig admin = parse_kubeconfig(read_text_file(cp1() + "/admin.conf"), "admin.conf");
  EXPECT_NE(admin.client_cert_pem, old_admin.client_cert_pem);
  EXPECT_NE(admin.client_key_pem, old_admin.client_key_pem);
  EXPECT_EQ(admin.server, old_admin.server);
  EXPECT_EQ(admin.user, old_admin.user);
  EXPECT_EQ(Certificate::from_pem(admin.client_cert_pem).subject(),
            Certificate::from_pem(old_admin.client_cert_pem).subject());
  // Renewed files still match the config: init keeps them.
  EXPECT_EQ(init(config()).mismatched, 0);

  options.names = {"ca"};
  EXPECT_THROW(renew_certificates(options, key_registry(), keys_, log), Error);
  options.names = {"all"};
  EXPECT_EQ(renew_certificates(options, key_registry(), keys_, log).counts().replaced, 14);
  // A worker has no CA key of its own: the tree's OUT/pki key, the documented default, signs.
  options.node_dir = w1();
  options.names = {"kubelet.conf"};
  EXPECT_EQ(renew_certificates(options, key_registry(), keys_, log).counts().replaced, 1);
  // With that key gone too (and no caKeys), there is none: refused.
  std::filesystem::remove(out() + "/pki/ca.key");
  EXPECT_THROW(renew_certificates(options, key_registry(), keys_, log), Error);
}

// Issue 19: a key planted beside a deleted certificate is not certified unless the ledger knows
// it for that file or the user adopts it for this run, and the plan says which.
TEST_F(KubeInit, APlantedKeyIsAMismatchUnlessAdopted) {
  init(config());
  record_tree();
  const std::string crt = cp1() + "/pki/apiserver-kubelet-client.crt";
  const std::string key = cp1() + "/pki/apiserver-kubelet-client.key";
  fs::remove(crt);
  LeafKey planted = keys_.generate(Algorithm::EcdsaP256);
  write_file_atomic(key, planted.pem.reveal(), 0600, Overwrite::Yes);
  auto before = snapshot(out());
  EXPECT_EQ(error_of([&] { init(config()); }).code(), ErrorCode::AlreadyExists);
  EXPECT_NE(last_log_.find("MISMATCH        nodes/cp1/pki/apiserver-kubelet-client.crt  key '" +
                           key + "' is not one kpki issued for this file (not in ledger"),
            std::string::npos)
      << last_log_;
  EXPECT_EQ(snapshot(out()), before);

  adopt_keys_ = true;
  init(config(), false, /*dry_run=*/true);
  EXPECT_NE(last_log_.find("would adopt key nodes/cp1/pki/apiserver-kubelet-client.key"),
            std::string::npos)
      << last_log_;
  PlanCounts s = init(config());
  EXPECT_EQ(s.created, 1);
  EXPECT_NE(last_log_.find("adopt key       nodes/cp1/pki/apiserver-kubelet-client.key"),
            std::string::npos)
      << last_log_;
  EXPECT_EQ(Certificate::load(crt).public_key_der(), planted.signer->public_key_der());
}

TEST_F(KubeInit, APlantedKeyIsReplacedWithForce) {
  init(config());
  const std::string crt = cp1() + "/pki/apiserver-kubelet-client.crt";
  fs::remove(crt);
  LeafKey planted = keys_.generate(Algorithm::EcdsaP256);
  write_file_atomic(cp1() + "/pki/apiserver-kubelet-client.key", planted.pem.reveal(), 0600,
                    Overwrite::Yes);
  PlanCounts s = init(config(), /*force=*/true);  // no ledger at all: nothing is known
  EXPECT_EQ(s.replaced, 1);
  EXPECT_NE(Certificate::load(crt).public_key_der(), planted.signer->public_key_der());
}

TEST_F(KubeInit, SymbolicLinksInTheTreeAreRefused) {
  init(config());
  record_tree();
  const std::string key = cp1() + "/pki/apiserver-kubelet-client.key";
  fs::remove(cp1() + "/pki/apiserver-kubelet-client.crt");
  LeafKey planted = keys_.generate(Algorithm::EcdsaP256);
  const std::string outside = dir_.path() + "/attacker.key";
  write_file_atomic(outside, planted.pem.reveal(), 0600, Overwrite::No);
  fs::remove(key);
  fs::create_symlink(outside, key);
  adopt_keys_ = true;  // not even an adopted key is read through a link
  Error e = error_of([&] { init(config()); });
  EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
  EXPECT_EQ(e.message().find("'" + key + "' is a symbolic link"), 0u) << e.message();
  EXPECT_FALSE(fs::exists(cp1() + "/pki/apiserver-kubelet-client.crt"));

  // A linked directory: files would land wherever it points.
  fs::remove(key);
  fs::rename(out() + "/nodes/w1", dir_.path() + "/w1-elsewhere");
  fs::create_directory_symlink(dir_.path() + "/w1-elsewhere", out() + "/nodes/w1");
  e = error_of([&] { init(config()); });
  EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
  EXPECT_EQ(e.message().find("'" + out() + "/nodes/w1' is a symbolic link"), 0u) << e.message();
}

// Issue 19: a CA key of another algorithm than the config's is reported, even with --force.
TEST_F(KubeInit, ACaKeyOfAnotherAlgorithmIsAMismatch) {
  init(config());
  std::string yaml = cluster_yaml();
  yaml.replace(yaml.find("ECDSA-P256"), 10, "ECDSA-P384");
  ClusterConfig p384 = parse_cluster_config(yaml, "cluster.yaml", dir_.path(), key_registry());
  InitOptions options;
  options.out_dir = out();
  options.force = true;
  Plan plan = plan_init(p384, options, key_registry(), keys_);
  int mismatched = 0;
  for (const PlannedFile& f : plan.files) {
    if (f.kind != PlannedKind::CaCertificate) continue;
    EXPECT_EQ(f.action, PlanAction::Mismatch) << f.path;
    EXPECT_NE(f.reason.find("is ecdsa-p256, config wants ecdsa-p384"), std::string::npos)
        << f.reason;
    ++mismatched;
  }
  EXPECT_EQ(mismatched, 3);
  EXPECT_NE(render_plan_text(plan, true).find("MISMATCH        pki/etcd/ca.crt  key "),
            std::string::npos);
}

}  // namespace
}  // namespace kpki::kube
