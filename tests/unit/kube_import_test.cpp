// kpki ca import's pieces that need no token: the per-CA token URI, the config written with
// caKeys (it must load back), and removing a key file for good; and one key's import onto a
// SoftHSM token as the Plan init, renew and rotate use, printed by the same renderer.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

#include "backends/backends.h"
#include "core/fs/file_io.h"
#include "core/fs/file_shred.h"
#include "core/kubernetes/import/import.h"
#include "core/kubernetes/model/ca_keys_config.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/plan/plan_output.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"
#include "tests/support/softhsm_token.h"
#include "tests/support/test_keys.h"

namespace kpki::kube {
namespace {

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return ErrorCode::CryptoError;
}

TEST(CaImport, TokenKeyUriAddsTheLabelBeforeTheQuery) {
  EXPECT_EQ(
      token_key_uri("pkcs11:token=kube-ca?pin-source=file:/run/pin", "etcd-ca", key_registry()),
      "pkcs11:token=kube-ca;object=etcd-ca?pin-source=file:/run/pin");
  EXPECT_EQ(token_key_uri("pkcs11:token=kube-ca", ca_token_label("ca"), key_registry()),
            "pkcs11:token=kube-ca;object=kubernetes-ca");
  EXPECT_EQ(ca_token_label("front-proxy-ca"), "front-proxy-ca");
  EXPECT_EQ(code_of([] {
              token_key_uri("pkcs11:token=t;object=x?pin-source=file:p", "ca", key_registry());
            }),
            ErrorCode::InvalidInput);
  EXPECT_EQ(code_of([] { token_key_uri("pkcs11:id=%01", "ca", key_registry()); }),
            ErrorCode::InvalidInput);
  EXPECT_EQ(code_of([] { token_key_uri("out/pki/ca.key", "ca", key_registry()); }),
            ErrorCode::InvalidInput);
}

TEST(CaImport, ConfigWithCaKeysLoadsBackWithTheTokenKeys) {
  testing::TempDir dir;
  const std::string config_path = dir.file("cluster.yaml");
  write_file_atomic(config_path,
                    "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\n# a comment\n"
                    "clusterName: prod\nserviceAccountKey: keys/sa.key\n"
                    "nodes:\n  - {name: cp1, address: 10.0.0.1, role: control-plane}\n",
                    0644, Overwrite::No);
  ClusterConfig config = load_cluster_config(config_path, key_registry());
  std::map<std::string, std::string> keys = {
      {"ca", "pkcs11:token=kube-ca;object=kubernetes-ca?pin-source=file:/run/pin"},
      {"etcd-ca", "pkcs11:token=kube-ca;object=etcd-ca?pin-source=file:/run/pin"},
      {"front-proxy-ca", "pkcs11:token=kube-ca;object=front-proxy-ca?pin-source=file:/run/pin"}};
  const std::string out_path = dir.file("elsewhere/cluster-hsm.yaml");
  std::string text = config_with_ca_keys(config, keys, out_path, key_registry());
  ClusterConfig back = parse_cluster_config(text, out_path, dir.file("elsewhere"), key_registry());
  EXPECT_EQ(back.ca_keys, keys);
  EXPECT_EQ(back.cluster_name, "prod");
  EXPECT_EQ(back.nodes.size(), 1u);
  // Written absolute, so the new config works from another directory.
  EXPECT_EQ(
      back.service_account_key,
      config.service_account_key.front() == '/'
          ? config.service_account_key
          : std::filesystem::absolute(config.service_account_key).lexically_normal().string());
  EXPECT_EQ(back.service_account_key.front(), '/');
}

TEST(CaImport, KubeadmConfigCannotTakeCaKeys) {
  testing::TempDir dir;
  ClusterConfig config;
  config.source = dir.file("kubeadm.yaml");
  write_file_atomic(config.source, "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n",
                    0644, Overwrite::No);
  EXPECT_EQ(code_of([&] { config_with_ca_keys(config, {}, dir.file("out.yaml"), key_registry()); }),
            ErrorCode::InvalidInput);
}

TEST(CaImport, OverwriteAndRemoveLeavesNoFileAndRefusesSymlinks) {
  testing::TempDir dir;
  const std::string key = dir.file("ca.key");
  testing::write_private_file(key, "-----BEGIN PRIVATE KEY-----\nsecret\n");
  overwrite_and_remove(key);
  EXPECT_FALSE(file_exists(key));

  const std::string target = dir.file("real.key");
  testing::write_private_file(target, "keep me");
  ASSERT_EQ(::symlink(target.c_str(), dir.file("link.key").c_str()), 0);
  EXPECT_THROW(overwrite_and_remove(dir.file("link.key")), Error);
  EXPECT_EQ(read_text_file(target), "keep me");
  EXPECT_THROW(overwrite_and_remove(dir.file("absent.key")), Error);
}

// One key: planned (nothing on the token yet), shown like any plan, applied, then planned again
// as already on the token.
TEST(CaImport, OneKeyIsAPlanOfTheSharedShape) {
  if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  test::SoftHsmToken token;
  testing::TempDir dir;
  KeyOptions options;
  const std::string key = dir.file("ca.key");
  auto signer = key_registry().manager_for(key).generate(key, Algorithm::EcdsaP256, options);
  write_file_atomic(dir.file("ca.crt"), testing::make_test_ca(*signer).pem(), 0644, Overwrite::No);
  const SingleImportRequest request{key, dir.file("ca.crt"), token.uri("kubernetes-ca"), true};

  Plan plan = plan_import(request, key_registry(), options, options);
  EXPECT_EQ(plan.operation, "ca import");
  EXPECT_EQ(plan.root, "");
  ASSERT_EQ(plan.ca_keys.size(), 1u);
  EXPECT_STREQ(key_action_name(plan.ca_keys[0]), "import");
  EXPECT_EQ(plan.ca_keys[0].source, key);
  ASSERT_EQ(plan.files.size(), 1u);
  EXPECT_EQ(plan.files[0].path, key);
  EXPECT_EQ(plan.files[0].action, PlanAction::Remove);
  EXPECT_EQ(render_key_import_counts(plan),
            "1 to import, 0 already on the token, 1 file to remove");
  const std::string text = render_plan_text(plan, true);
  EXPECT_NE(text.find("would import    key: " + key + " -> " + redact_key_uri(request.target_uri) +
                      "  ecdsa-p256, must match " + dir.file("ca.crt") + "\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("would remove    " + key + "  source key"), std::string::npos) << text;
  nlohmann::json j = plan_json(plan, true);
  EXPECT_EQ(j["caKeys"][0]["action"], "import");
  EXPECT_EQ(j["caKeys"][0]["certificate"], dir.file("ca.crt"));
  EXPECT_EQ(j["summary"]["remove"], 1);
  EXPECT_EQ(text.find(token.user_pin()), std::string::npos);

  write_file_atomic(dir.file("copy.key"), read_text_file(key), 0600, Overwrite::No);
  std::ostringstream log;
  Plan done = apply_import(plan, request, key_registry(), options, options, log);
  EXPECT_EQ(plan_json(done, false)["files"], j["files"]);
  EXPECT_FALSE(file_exists(key));
  EXPECT_NE(log.str().find("imported  key -> "), std::string::npos) << log.str();

  // Planned again from a copy of the key made before: the token holds this very key.
  const SingleImportRequest again{dir.file("copy.key"), dir.file("ca.crt"),
                                  token.uri("kubernetes-ca"), false};
  Plan resumed = plan_import(again, key_registry(), options, options);
  EXPECT_STREQ(key_action_name(resumed.ca_keys[0]), "use");
  EXPECT_TRUE(resumed.files.empty());
  EXPECT_EQ(render_key_import_counts(resumed),
            "0 to import, 1 already on the token, 0 files to remove");
  EXPECT_NE(render_plan_text(resumed, true).find("already on the token"), std::string::npos);
}

}  // namespace
}  // namespace kpki::kube
