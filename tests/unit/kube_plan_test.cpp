// kpki init as plan + apply: for each state of OUT (empty, complete, a node added, an address
// changed, a leaf key deleted) the dry-run plan is exactly what apply then reports doing, and a
// plan made right after apply keeps everything.
#include <gtest/gtest.h>

#include <filesystem>
#include <tuple>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/fs/file_io.h"
#include "core/kubernetes/init/init.h"
#include "core/kubernetes/plan/plan_output.h"
#include "core/kubernetes/renew/renew.h"
#include "core/util/error.h"
#include "tests/support/test_keys.h"

namespace kpki::kube {
namespace {

namespace fs = std::filesystem;

using Row = std::tuple<std::string, std::string, std::string, std::string, std::string>;

// Everything a plan entry says that apply must honour: path, action, spec, signer, node.
std::vector<Row> rows(const Plan& plan) {
  std::vector<Row> out;
  for (const PlannedFile& f : plan.files)
    out.emplace_back(f.path, plan_action_name(f.action), f.spec, f.signer, f.node);
  for (const PlannedKey& k : plan.ca_keys)
    out.emplace_back(k.uri, plan_action_name(k.action), k.ca, "key", "");
  return out;
}

int count(const Plan& plan, PlanAction action) {
  int n = 0;
  for (const PlannedFile& f : plan.files) n += f.action == action;
  return n;
}

class KubePlan : public ::testing::Test {
 protected:
  ClusterConfig config(const std::string& w1_address = "10.0.0.21", bool w2 = false) {
    std::string yaml =
        "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nencryptionAlgorithm: ECDSA-P256\n"
        "nodes:\n  - {name: cp1, address: 127.0.0.1}\n"
        "  - {name: w1, address: " +
        w1_address + ", role: worker}\n";
    if (w2) yaml += "  - {name: w2, address: 10.0.0.22, role: worker}\n";
    return parse_cluster_config(yaml, "cluster.yaml", dir_.path(), key_registry());
  }
  InitOptions options(bool force = false) {
    InitOptions o;
    o.out_dir = dir_.path() + "/out";
    o.force = force;
    return o;
  }
  Plan plan(const ClusterConfig& c, bool force = false) {
    return plan_init(c, options(force), key_registry(), keys_);
  }
  // The dry-run plan, then apply: the report must list the same files with the same actions,
  // and a new plan must keep every file.
  Plan plan_apply_replan(const ClusterConfig& c, bool force = false) {
    Plan planned = plan(c, force);
    EXPECT_FALSE(planned.has_mismatch()) << render_plan_text(planned, true);
    Plan done = apply_init(planned, c, options(force), key_registry(), keys_);
    EXPECT_EQ(rows(done), rows(planned));
    Plan again = plan(c);
    EXPECT_EQ(count(again, PlanAction::Keep), static_cast<int>(again.files.size()))
        << render_plan_text(again, true);
    return planned;
  }
  std::string out() const { return dir_.path() + "/out"; }

  testing::TempDir dir_;
  const LeafKeySource& keys_ = leaf_key_source(LeafKeyLibrary::OpenSsl);
};

TEST_F(KubePlan, EmptyDirectoryIsAllCreateAndPlanningWritesNothing) {
  Plan planned = plan(config());
  EXPECT_FALSE(fs::exists(out()));  // planning wrote nothing, not even a directory
  EXPECT_EQ(count(planned, PlanAction::Create), static_cast<int>(planned.files.size()));
  for (const PlannedKey& k : planned.ca_keys) EXPECT_EQ(k.action, PlanAction::Create) << k.ca;
  plan_apply_replan(config());
}

TEST_F(KubePlan, CompleteTreeIsAllKeep) {
  plan_apply_replan(config());
  Plan planned = plan_apply_replan(config());
  EXPECT_EQ(count(planned, PlanAction::Keep), static_cast<int>(planned.files.size()));
  for (const PlannedKey& k : planned.ca_keys) EXPECT_EQ(k.action, PlanAction::Keep) << k.ca;
}

TEST_F(KubePlan, AddedNodeCreatesOnlyItsFiles) {
  plan_apply_replan(config());
  Plan planned = plan_apply_replan(config("10.0.0.21", /*w2=*/true));
  for (const PlannedFile& f : planned.files) {
    SCOPED_TRACE(f.path);
    EXPECT_EQ(f.action, f.node == "w2" ? PlanAction::Create : PlanAction::Keep);
  }
  EXPECT_EQ(count(planned, PlanAction::Create), 5);  // 2 copies + 3 leaves
}

TEST_F(KubePlan, ChangedAddressIsMismatchThenReplaceWithForce) {
  plan_apply_replan(config());
  Plan refused = plan(config("10.0.0.99"));
  ASSERT_TRUE(refused.has_mismatch());
  // Without force, apply refuses before any write.
  std::string kubelet = out() + "/nodes/w1/kubelet/kubelet.crt";
  std::string before = read_text_file(kubelet);
  EXPECT_THROW(apply_init(refused, config("10.0.0.99"), options(), key_registry(), keys_), Error);
  EXPECT_EQ(read_text_file(kubelet), before);
  Plan planned = plan_apply_replan(config("10.0.0.99"), /*force=*/true);
  for (const PlannedFile& f : planned.files) {
    if (f.action == PlanAction::Keep) continue;
    EXPECT_EQ(f.action, PlanAction::Replace) << f.path;
    EXPECT_EQ(f.path, kubelet);  // only w1's serving certificate names the address
    EXPECT_NE(f.reason.find("IP:10.0.0.21"), std::string::npos) << f.reason;
    EXPECT_EQ(f.signer, "ca");
  }
  EXPECT_EQ(count(planned, PlanAction::Replace), 1);
}

TEST_F(KubePlan, DeletedLeafKeyIsMismatchThenReplaceWithForce) {
  plan_apply_replan(config());
  fs::remove(out() + "/nodes/cp1/pki/etcd/server.key");
  Plan refused = plan(config());
  ASSERT_EQ(count(refused, PlanAction::Mismatch), 1);
  Plan planned = plan_apply_replan(config(), /*force=*/true);
  ASSERT_EQ(count(planned, PlanAction::Replace), 1);
  for (const PlannedFile& f : planned.files) {
    if (f.action != PlanAction::Replace) continue;
    EXPECT_EQ(f.path, out() + "/nodes/cp1/pki/etcd/server.crt");
    EXPECT_EQ(f.spec, "etcd-server");
    EXPECT_EQ(f.signer, "etcd-ca");
    EXPECT_NE(f.reason.find("key missing"), std::string::npos) << f.reason;
  }
  EXPECT_TRUE(file_exists(out() + "/nodes/cp1/pki/etcd/server.key"));
}

TEST_F(KubePlan, JsonFollowsTheDocumentedSchema) {
  nlohmann::json j = nlohmann::json::parse(plan_json(plan(config()), true).dump());
  EXPECT_EQ(j["operation"], "init");
  EXPECT_EQ(j["dryRun"], true);
  ASSERT_EQ(j["caKeys"].size(), 3u);
  EXPECT_EQ(j["caKeys"][1]["ca"], "etcd-ca");
  EXPECT_EQ(j["caKeys"][1]["action"], "generate");
  bool apiserver = false;
  for (const auto& f : j["files"]) {
    for (const char* key : {"path", "action", "reason", "spec", "signer", "node"})
      EXPECT_TRUE(f.contains(key)) << key;
    if (f["path"] == out() + "/nodes/cp1/pki/apiserver.crt") {
      apiserver = true;
      EXPECT_EQ(f["action"], "create");
      EXPECT_EQ(f["spec"], "apiserver");
      EXPECT_EQ(f["signer"], "ca");
    }
  }
  EXPECT_TRUE(apiserver);
  EXPECT_EQ(j["summary"]["create"].get<int>(), static_cast<int>(j["files"].size()));
}

// certs renew: the plan checks every file and writes nothing; apply renews exactly its Replace
// entries (an absent file is a Skip), and init then keeps every renewed file.
TEST_F(KubePlan, RenewPlanIsWhatApplyRenews) {
  plan_apply_replan(config());
  std::string cp1 = out() + "/nodes/cp1";
  fs::remove(cp1 + "/scheduler.conf");
  RenewOptions options;
  options.node_dir = cp1;
  options.names = {"all"};
  options.config = config();
  std::string apiserver = read_text_file(cp1 + "/pki/apiserver.crt");
  Plan planned = plan_renew(options, key_registry(), keys_);
  EXPECT_EQ(read_text_file(cp1 + "/pki/apiserver.crt"), apiserver);  // planning wrote nothing
  EXPECT_EQ(planned.counts().replaced, 13);
  EXPECT_EQ(planned.counts().skipped, 1);
  Plan done = apply_renew(planned, options, key_registry(), keys_);
  EXPECT_EQ(rows(done), rows(planned));
  EXPECT_NE(read_text_file(cp1 + "/pki/apiserver.crt"), apiserver);
  EXPECT_FALSE(file_exists(cp1 + "/scheduler.conf"));
  Plan init = plan(config());
  EXPECT_EQ(count(init, PlanAction::Create), 1);  // scheduler.conf; every renewed file is kept
  EXPECT_EQ(count(init, PlanAction::Keep), static_cast<int>(init.files.size()) - 1);
}

// The CLI: --dry-run -o json writes nothing; a mismatch without --force fails before any write
// with the hint; the report after a run has the plan's shape.
TEST_F(KubePlan, CliDryRunJsonAndMismatchHint) {
  write_file_atomic(dir_.file("cluster.yaml"),
                    "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nencryptionAlgorithm: "
                    "ECDSA-P256\nnodes: [{name: cp1, address: 127.0.0.1}]\n",
                    0644, Overwrite::No);
  std::string init =
      testing::kpki_binary() + " init --config " + dir_.file("cluster.yaml") + " --dir " + out();
  auto dry = testing::run_command(init + " --dry-run -o json");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_FALSE(fs::exists(out()));
  nlohmann::json planned = nlohmann::json::parse(dry.output);
  EXPECT_EQ(planned["dryRun"], true);
  auto run = testing::run_command(init + " -o json");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  nlohmann::json done = nlohmann::json::parse(run.output);
  EXPECT_EQ(done["dryRun"], false);
  EXPECT_EQ(done["files"], planned["files"]);
  EXPECT_EQ(done["caKeys"], planned["caKeys"]);
  fs::remove(out() + "/nodes/cp1/pki/apiserver.key");
  auto refused = testing::run_command(init + " 2>&1");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("MISMATCH        nodes/cp1/pki/apiserver.crt  key missing"),
            std::string::npos)
      << refused.output;
  EXPECT_NE(refused.output.find("re-run with --force"), std::string::npos) << refused.output;
  EXPECT_FALSE(file_exists(out() + "/nodes/cp1/pki/apiserver.key"));
}

}  // namespace
}  // namespace kpki::kube
