// kpki init's tree on day 2 through the core API: check-expiration, renew, planted keys, links
// and CA keys of another algorithm.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include "tests/support/kube_init_fixture.h"

namespace kpki::kube {
namespace {

using namespace testing_init;  // NOLINT: the fixture and its helpers
using testing::error_of;

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
