// kpki ca rotate as plans: phase order (out-of-order phases refused naming the next one), the
// rotation record, new key URIs, and for a real tree the plans of begin, reissue and finish --
// planning writes nothing, apply reports what the plan said, a phase run again keeps everything,
// and init / certs renew are refused while a rotation is under way.
#include <gtest/gtest.h>

#include <filesystem>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/fs/file_io.h"
#include "core/issue/authority.h"
#include "core/kubernetes/init/init.h"
#include "core/kubernetes/plan/plan_output.h"
#include "core/kubernetes/renew/renew.h"
#include "core/kubernetes/rotate/files.h"
#include "core/kubernetes/rotate/rotate.h"
#include "core/kubernetes/tree/cluster_cas.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/ledger/ledger.h"
#include "core/util/error.h"
#include "tests/support/error_of.h"
#include "tests/support/test_keys.h"
#include "tests/support/tree_records.h"

namespace kpki::kube {
namespace {

namespace fs = std::filesystem;
using testing::error_of;
using testing::TempDir;

RotationState state_after(RotationPhase done, RotationPhase running = RotationPhase::None) {
  RotationState s;
  s.ca = "etcd-ca";
  s.done = done;
  s.running = running;
  return s;
}

TEST(KubeRotationOrder, NextPhaseFollowsTheProcedure) {
  EXPECT_EQ(state_after(RotationPhase::Begin).next(), RotationPhase::Reissue);
  EXPECT_EQ(state_after(RotationPhase::Reissue).next(), RotationPhase::Finish);
  EXPECT_EQ(state_after(RotationPhase::Finish).next(), RotationPhase::Begin);
  EXPECT_EQ(state_after(RotationPhase::None, RotationPhase::Begin).next(), RotationPhase::Begin);
  EXPECT_TRUE(state_after(RotationPhase::Begin).in_progress());
  EXPECT_TRUE(state_after(RotationPhase::Finish, RotationPhase::Begin).in_progress());
  EXPECT_FALSE(state_after(RotationPhase::Finish).in_progress());
}

TEST(KubeRotationOrder, OutOfOrderPhasesAreRefusedNamingTheNextOne) {
  struct Case {
    std::optional<RotationState> state;
    RotationPhase asked;
    const char* next;  // nullptr: allowed
  };
  const Case cases[] = {
      {std::nullopt, RotationPhase::Begin, nullptr},
      {std::nullopt, RotationPhase::Reissue, "begin"},
      {std::nullopt, RotationPhase::Finish, "begin"},
      {state_after(RotationPhase::Begin), RotationPhase::Begin, nullptr},  // again: idempotent
      {state_after(RotationPhase::Begin), RotationPhase::Reissue, nullptr},
      {state_after(RotationPhase::Begin), RotationPhase::Finish, "reissue"},
      {state_after(RotationPhase::Reissue), RotationPhase::Begin, "finish"},
      {state_after(RotationPhase::Reissue), RotationPhase::Finish, nullptr},
      {state_after(RotationPhase::Finish), RotationPhase::Finish, nullptr},
      {state_after(RotationPhase::Finish), RotationPhase::Begin, nullptr},  // a new rotation
      {state_after(RotationPhase::Finish), RotationPhase::Reissue, "begin"},
      {state_after(RotationPhase::Finish, RotationPhase::Begin), RotationPhase::Reissue, "begin"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.state ? rotation_phase_name(c.state->done) : "no state") + " -> " +
                 rotation_phase_name(c.asked));
    if (!c.next) {
      EXPECT_NO_THROW(check_rotation_order(c.state, "etcd-ca", c.asked));
      continue;
    }
    Error e = error_of([&] { check_rotation_order(c.state, "etcd-ca", c.asked); });
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    EXPECT_EQ(e.rotating_ca(), "etcd-ca");
    EXPECT_EQ(e.rotation_next_phase(), c.next);
    EXPECT_NE(e.message().find(std::string("next phase is ") + c.next), std::string::npos);
  }
}

TEST(KubeRotationState, RecordRoundTripsAndNeverStoresAPin) {
  TempDir dir;
  RotationState s = state_after(RotationPhase::Begin);
  s.number = 3;
  s.old_key_uri = "pkcs11:token=t;object=etcd-ca?pin-source=file:/p";
  s.new_key_uri = "pkcs11:token=t;object=etcd-ca-r3?pin-source=file:/p";
  s.old_cert_pem = "OLD";
  s.new_cert_pem = "NEW";
  save_rotation_state(dir.path(), s);
  EXPECT_EQ(fs::status(rotation_state_path(dir.path(), "etcd-ca")).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  std::optional<RotationState> back = load_rotation_state(dir.path(), "etcd-ca");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->number, 3);
  EXPECT_EQ(back->done, RotationPhase::Begin);
  EXPECT_EQ(back->new_key_uri, s.new_key_uri);
  EXPECT_EQ(back->old_cert_pem, "OLD");
  s.new_key_uri = "pkcs11:token=t;object=etcd-ca-r3?pin-value=1234";
  Error e = error_of([&] { save_rotation_state(dir.path(), s); });
  EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
  EXPECT_EQ(e.message().find("1234"), std::string::npos);
  EXPECT_EQ(load_rotation_state(dir.path(), "etcd-ca")->new_key_uri,
            "pkcs11:token=t;object=etcd-ca-r3?pin-source=file:/p");
}

TEST(KubeRotationFiles, NewKeyUris) {
  EXPECT_EQ(rotated_key_uri("/o/pki/etcd/ca.key", 1, "/o/rotation/etcd-ca/1", key_registry()),
            "/o/rotation/etcd-ca/1/new.key");
  EXPECT_EQ(rotated_key_uri("botan:/o/pki/ca.key", 2, "/o/rotation/ca/2", key_registry()),
            "botan:/o/rotation/ca/2/new.key");
  EXPECT_EQ(rotated_key_uri("pkcs11:token=kube-ca;object=etcd-ca?pin-source=file:pin", 1, "",
                            key_registry()),
            "pkcs11:token=kube-ca;object=etcd-ca-r1?pin-source=file:pin");
  EXPECT_EQ(rotated_key_uri("pkcs11:token=kube-ca;object=etcd-ca-r1;id=%01", 2, "", key_registry()),
            "pkcs11:token=kube-ca;object=etcd-ca-r2");
  EXPECT_EQ(rotated_key_uri("pkcs11:object=ca;token=k", 4, "", key_registry()),
            "pkcs11:object=ca-r4;token=k");
  EXPECT_EQ(
      error_of([] { rotated_key_uri("pkcs11:token=k;id=%01", 1, "", key_registry()); }).code(),
      ErrorCode::InvalidInput);
}

// A tree made by init with file CA keys, rotated phase by phase.
class KubeRotation : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = parse_cluster_config(
        "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nencryptionAlgorithm: ECDSA-P256\n"
        "controlPlaneEndpoint: 127.0.0.1:6443\n"
        "nodes:\n  - {name: cp1, address: 127.0.0.1}\n  - {name: cp2, address: 127.0.0.2}\n"
        "  - {name: w1, address: 10.0.0.21, role: worker}\n",
        "cluster.yaml", dir_.path(), key_registry());
    InitOptions init;
    init.out_dir = out();
    apply_init(plan_init(config_, init, key_registry(), keys_), config_, init, key_registry(),
               keys_);
    recorder_.record_new(out());  // what init's journal records
  }
  std::string out() const { return dir_.path() + "/out"; }
  RotateOptions options(const std::string& ca, RotationPhase phase) {
    RotateOptions o;
    o.out_dir = out();
    o.ca = ca;
    o.phase = phase;
    o.ledger = ledger_.get();
    return o;
  }
  // Plans (checking nothing is written), applies, and re-plans: the re-run keeps every file.
  Plan run(const std::string& ca, RotationPhase phase) {
    std::string before = tree();
    Plan planned = plan_rotation(config_, options(ca, phase), key_registry(), keys_);
    EXPECT_EQ(tree(), before) << "planning wrote something";
    Plan done = apply_rotation(planned, config_, options(ca, phase), key_registry(), keys_);
    recorder_.record_new(out());  // what the phase's journal records
    EXPECT_EQ(done.files.size(), planned.files.size());
    for (size_t i = 0; i < planned.files.size() && i < done.files.size(); ++i) {
      EXPECT_EQ(done.files[i].path, planned.files[i].path);
      EXPECT_EQ(done.files[i].action, planned.files[i].action);
    }
    Plan again = plan_rotation(config_, options(ca, phase), key_registry(), keys_);
    for (const PlannedFile& f : again.files) {
      if (f.spec == "rotation") continue;
      EXPECT_TRUE(f.action == PlanAction::Keep || f.action == PlanAction::Skip)
          << f.path << " " << plan_action_name(f.action);
    }
    return planned;
  }
  // Every file under OUT with its contents.
  std::string tree() const {
    std::string all;
    if (!fs::exists(out())) return all;
    for (const auto& e : fs::recursive_directory_iterator(out())) {
      if (e.is_regular_file()) all += e.path().string() + "\n" + read_text_file(e.path()) + "\n";
    }
    return all;
  }
  int count(const Plan& plan, PlanAction action, const std::string& spec_prefix = "") {
    int n = 0;
    for (const PlannedFile& f : plan.files)
      n += f.action == action && f.spec.rfind(spec_prefix, 0) == 0;
    return n;
  }

  TempDir dir_;
  const LeafKeySource& keys_ = leaf_key_source(LeafKeyLibrary::OpenSsl);
  ClusterConfig config_;
  std::unique_ptr<ledger::Ledger> ledger_ = ledger::open_ledger(dir_.path() + "/ledger.db");
  testing::TreeRecorder recorder_{*ledger_};
};

TEST_F(KubeRotation, ClusterCaPhasesPlanTrustFilesThenLeavesThenTrustAgain) {
  Plan begin = run("ca", RotationPhase::Begin);
  ASSERT_EQ(begin.ca_keys.size(), 2u);
  EXPECT_EQ(begin.ca_keys[1].action, PlanAction::Create);
  // pki/ca.crt on 3 nodes, plus every kubeconfig (cp1: 6 with super-admin, cp2: 5, w1: kubelet
  // and kube-proxy).
  EXPECT_EQ(count(begin, PlanAction::Replace, "pki/ca.crt"), 3);
  EXPECT_EQ(count(begin, PlanAction::Replace, ""), 3 + 13);
  EXPECT_EQ(
      read_text_file(out() + "/nodes/w1/pki/ca.crt"),
      read_text_file(out() + "/pki/ca.crt") + read_text_file(out() + "/rotation/ca/1/new.crt"));

  Error init_refused = error_of([&] {
    InitOptions init;
    init.out_dir = out();
    plan_init(config_, init, key_registry(), keys_);
  });
  EXPECT_EQ(init_refused.rotation_next_phase(), "reissue");
  RenewOptions renew;
  renew.node_dir = out() + "/nodes/cp2";
  renew.names = {"all"};
  renew.config = config_;
  EXPECT_EQ(error_of([&] { plan_renew(renew, key_registry(), keys_); }).rotation_next_phase(),
            "reissue");

  Plan reissue = run("ca", RotationPhase::Reissue);
  for (const PlannedFile& f : reissue.files) {
    if (f.kind != PlannedKind::Leaf) continue;
    EXPECT_TRUE(f.keep_key) << f.path;
  }
  EXPECT_EQ(count(reissue, PlanAction::Replace, "apiserver"), 4);  // 2 nodes x 2 certificates

  Plan finish = run("ca", RotationPhase::Finish);
  EXPECT_EQ(read_text_file(out() + "/nodes/w1/pki/ca.crt"),
            read_text_file(out() + "/rotation/ca/1/new.crt"));
  EXPECT_EQ(read_text_file(out() + "/pki/ca.key"),
            read_text_file(out() + "/rotation/ca/1/new.key"));
  EXPECT_EQ(read_text_file(out() + "/nodes/cp2/pki/ca.key"),
            read_text_file(out() + "/rotation/ca/1/new.key"));
  EXPECT_TRUE(file_exists(out() + "/rotation/ca/1/old.key"));

  // The rotated tree is what init now wants: every file kept.
  InitOptions init;
  init.out_dir = out();
  Plan after = plan_init(config_, init, key_registry(), keys_);
  EXPECT_EQ(count(after, PlanAction::Keep), static_cast<int>(after.files.size()))
      << render_plan_text(after, true);
}

TEST_F(KubeRotation, EtcdCaTouchesControlPlanesOnlyAndFinishNeedsEveryLeafReissued) {
  Plan begin = run("etcd-ca", RotationPhase::Begin);
  for (const PlannedFile& f : begin.files) EXPECT_NE(f.node, "w1") << f.path;
  EXPECT_EQ(count(begin, PlanAction::Replace, "pki/etcd/ca.crt"), 2);
  Error early = error_of([&] {
    plan_rotation(config_, options("etcd-ca", RotationPhase::Finish), key_registry(), keys_);
  });
  EXPECT_EQ(early.rotation_next_phase(), "reissue");
  run("etcd-ca", RotationPhase::Reissue);
  // A leaf signed by neither CA is refused, not re-signed.
  fs::copy_file(out() + "/nodes/cp1/pki/etcd/server.crt", dir_.path() + "/keep.crt");
  write_file_atomic(out() + "/nodes/cp1/pki/etcd/server.crt",
                    read_text_file(out() + "/nodes/cp1/pki/front-proxy-client.crt"), 0644,
                    Overwrite::Yes);
  EXPECT_EQ(error_of([&] {
              plan_rotation(config_, options("etcd-ca", RotationPhase::Finish), key_registry(),
                            keys_);
            }).code(),
            ErrorCode::InvalidInput);
  fs::copy_file(dir_.path() + "/keep.crt", out() + "/nodes/cp1/pki/etcd/server.crt",
                fs::copy_options::overwrite_existing);
  run("etcd-ca", RotationPhase::Finish);
  EXPECT_FALSE(load_rotation_state(out(), "etcd-ca")->in_progress());
}

TEST_F(KubeRotation, DryRunOfAFreshTreeIsDeterministicAndNamesTheNewKey) {
  Plan a = plan_rotation(config_, options("front-proxy-ca", RotationPhase::Begin), key_registry(),
                         keys_);
  Plan b = plan_rotation(config_, options("front-proxy-ca", RotationPhase::Begin), key_registry(),
                         keys_);
  EXPECT_EQ(render_plan_text(a, true), render_plan_text(b, true));
  EXPECT_EQ(a.ca_keys[1].uri, out() + "/rotation/front-proxy-ca/1/new.key");
  EXPECT_FALSE(fs::exists(out() + "/rotation"));
}

// The attack of issue 19: after begin, the rotation record names an attacker's CA as the old
// one and a leaf holds an attacker's key. reissue must certify neither with the new CA.
TEST_F(KubeRotation, ReissueRefusesAPlantedOldCertificateAndUnrecordedKeys) {
  run("ca", RotationPhase::Begin);
  const std::string record = rotation_state_path(out(), "ca");
  const std::string saved = read_text_file(record);
  const CaSpec& spec = ca_spec(CaId::Kubernetes);

  LeafKey attacker_ca_key = keys_.generate(Algorithm::EcdsaP256);
  RotationState forged = *load_rotation_state(out(), "ca");
  forged.old_cert_pem = self_sign_ca(config_, spec, *attacker_ca_key.signer, {}).certificate.pem();
  save_rotation_state(out(), forged);
  Error old_refused = error_of([&] {
    plan_rotation(config_, options("ca", RotationPhase::Reissue), key_registry(), keys_);
  });
  EXPECT_EQ(old_refused.code(), ErrorCode::InvalidInput);
  EXPECT_NE(old_refused.message().find(record), std::string::npos) << old_refused.message();
  EXPECT_NE(old_refused.message().find("oldCertificate"), std::string::npos);
  write_file_atomic(record, saved, 0600, Overwrite::Yes);

  // A key certified by the real old CA but never recorded by kpki for this file: even someone
  // who could use the old CA key once does not get it certified by the new CA.
  std::vector<LeafSpec> leaves = leaf_specs(config_, *config_.find_node("cp1"));
  const LeafSpec& leaf = *std::find_if(leaves.begin(), leaves.end(), [](const LeafSpec& l) {
    return l.name == "apiserver-kubelet-client";
  });
  std::shared_ptr<const Signer> old_key =
      key_registry().manager_for(out() + "/pki/ca.key").open(out() + "/pki/ca.key", {});
  Authority old_ca(Certificate::load(out() + "/pki/ca.crt"), old_key);
  LeafKey planted = keys_.generate(Algorithm::EcdsaP256);
  Certificate planted_cert =
      old_ca.issue(leaf_request(leaf, *planted.signer, std::chrono::hours(24))).certificate;
  const std::string node_dir = out() + "/nodes/cp1";
  write_file_atomic(node_dir + "/" + leaf.key_path(), planted.pem.reveal(), 0600, Overwrite::Yes);
  write_file_atomic(node_dir + "/" + leaf.cert_path(), planted_cert.pem(), 0644, Overwrite::Yes);
  Error key_refused = error_of([&] {
    plan_rotation(config_, options("ca", RotationPhase::Reissue), key_registry(), keys_);
  });
  EXPECT_EQ(key_refused.code(), ErrorCode::InvalidInput);
  EXPECT_NE(key_refused.message().find(node_dir + "/" + leaf.cert_path()), std::string::npos)
      << key_refused.message();

  // Without a ledger nothing is known, so nothing is certified.
  RotateOptions no_ledger = options("ca", RotationPhase::Reissue);
  no_ledger.ledger = nullptr;
  EXPECT_EQ(error_of([&] { plan_rotation(config_, no_ledger, key_registry(), keys_); }).code(),
            ErrorCode::InvalidInput);
}

}  // namespace
}  // namespace kpki::kube
