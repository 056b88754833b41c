// The Authority: one door per CA. Its policy is checked before anything is signed, and what it
// signs is recorded by the recorder it was given -- not by a process-wide journal -- so a program
// can run two authorities with two ledgers side by side.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>

#include "core/issue/authority.h"
#include "core/issue/file_group.h"
#include "core/issue/profiles.h"
#include "core/ledger/issuance_journal.h"
#include "core/ledger/reconcile.h"
#include "core/policy/csr_name_policy.h"
#include "core/util/error.h"
#include "tests/support/error_of.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using ledger::IssuanceJournal;
using ledger::IssuanceRecord;
using ledger::JournalContext;
using ledger::open_ledger;
using ledger::RecordState;
using testing::make_signer;
using testing::TempDir;

CertificateRequest leaf_request(const std::string& cn, const std::vector<std::string>& orgs = {}) {
  CertificateRequest request;
  request.subject.common_name = cn;
  request.subject.organizations = orgs;
  request.subject_public_key = make_signer(Algorithm::EcdsaP256)->public_key_der();
  apply_profile(Profile::Client, KeyType::Ec, request);
  request.validity = Validity::from_now(std::chrono::hours(24));
  return request;
}

// A real key that counts the signatures it makes.
class CountingSigner : public Signer {
 public:
  explicit CountingSigner(std::shared_ptr<const Signer> key) : key_(std::move(key)) {}
  Algorithm algorithm() const override { return key_->algorithm(); }
  const Bytes& public_key_der() const override { return key_->public_key_der(); }
  const Bytes& signature_algorithm() const override { return key_->signature_algorithm(); }
  Bytes sign(ByteView message) const override {
    ++signatures;
    return key_->sign(message);
  }
  mutable std::atomic<int> signatures{0};

 private:
  std::shared_ptr<const Signer> key_;
};

TEST(Authority, TwoAuthoritiesRecordInTheirOwnLedgersInOneProcess) {
  TempDir dir;
  struct Ca {
    explicit Ca(std::string n) : name(std::move(n)) {}
    std::string name;
    std::shared_ptr<const Signer> key = make_signer(Algorithm::EcdsaP256);
    std::unique_ptr<IssuanceJournal> journal;
    std::optional<Authority> authority;
    std::vector<Issued> issued;
  };
  Ca cas[2] = {Ca("a"), Ca("b")};
  FileBatch batch;
  for (Ca& ca : cas) {
    ca.journal = std::make_unique<IssuanceJournal>(open_ledger(dir.file(ca.name + ".db")),
                                                   JournalContext::of_this_process("embed"));
    AuthorityOptions options =
        testing::authority_options(ca.journal.get(), "file:" + dir.file(ca.name + ".key"));
    Issued root =
        Authority::self_sign(testing::test_ca_request(*ca.key, "ca-" + ca.name), *ca.key, options);
    batch.add(dir.file("ca-" + ca.name + ".crt"), root.certificate.pem(), 0644, Overwrite::No,
              root.record);
    ca.authority.emplace(std::move(root.certificate), ca.key, options);
  }
  // Both sign at the same time, and their files go out in one batch, interleaved.
  constexpr int kLeaves = 20;
  std::vector<std::thread> threads;
  for (Ca& ca : cas) {
    threads.emplace_back([&ca] {
      for (int i = 0; i < kLeaves; ++i)
        ca.issued.push_back(ca.authority->issue(leaf_request(ca.name + std::to_string(i))));
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kLeaves; ++i) {
    for (Ca& ca : cas) {
      const Issued& issued = ca.issued[static_cast<size_t>(i)];
      batch.add(dir.file(ca.name + std::to_string(i) + ".crt"), issued.certificate.pem(), 0644,
                Overwrite::No, issued.record);
    }
  }
  batch.write();
  for (Ca& ca : cas) ca.journal->finish();

  for (const Ca& ca : cas) {
    std::vector<IssuanceRecord> records = open_ledger(dir.file(ca.name + ".db"))->list({});
    EXPECT_EQ(records.size(), static_cast<size_t>(kLeaves + 1)) << ca.name;
    const std::string issuer = ledger::issuer_key_id(ca.authority->certificate());
    for (const IssuanceRecord& r : records) {
      EXPECT_EQ(r.issuer_key_id, issuer) << ca.name << ": " << r.subject;
      EXPECT_EQ(r.state, RecordState::Released) << r.subject;
      EXPECT_EQ(r.backend, "file");
      ASSERT_EQ(r.destinations.size(), 1u) << r.subject;
      // Its own file: CN=a7 in a7.crt, the root in ca-a.crt.
      std::string cn = r.subject.substr(3);
      EXPECT_EQ(r.destinations[0], dir.file(cn + ".crt"));
      EXPECT_TRUE(ledger::file_holds(r.destinations[0], r.der));
    }
  }
}

TEST(Authority, PolicyRefusesBeforeAnythingIsSignedOrRecorded) {
  TempDir dir;
  auto key = make_signer(Algorithm::EcdsaP256);
  auto counting = std::make_shared<CountingSigner>(key);
  IssuanceJournal journal(open_ledger(dir.file("ledger.db")), JournalContext::of_this_process("t"));
  Authority ca(
      testing::make_test_ca(*key), counting,
      testing::authority_options(
          &journal, "", std::make_shared<policy::CsrNamePolicy>(policy::NamePolicy{}, "eve.csr")));
  Error refused = testing::error_of([&] { ca.issue(leaf_request("eve", {"system:masters"})); });
  EXPECT_EQ(refused.code(), ErrorCode::InvalidInput);
  EXPECT_NE(refused.message().find("eve.csr"), std::string::npos) << refused.message();
  EXPECT_EQ(counting->signatures, 0);
  Issued alice = ca.issue(leaf_request("alice", {"developers"}));
  EXPECT_EQ(counting->signatures, 1);
  write_recorded_file(dir.file("alice.crt"), alice.certificate.pem(), 0644, Overwrite::No,
                      alice.record);
  journal.finish();
  std::vector<IssuanceRecord> records = open_ledger(dir.file("ledger.db"))->list({});
  ASSERT_EQ(records.size(), 1u);  // eve never reached the recorder
  EXPECT_EQ(records[0].subject, "CN=alice, O=developers");
}

TEST(Authority, AFileCarryingNoTicketRecordsNothing) {
  // The writer says which certificate a file carries; file contents are never searched.
  TempDir dir;
  auto key = make_signer(Algorithm::EcdsaP256);
  IssuanceJournal journal(open_ledger(dir.file("ledger.db")), JournalContext::of_this_process("t"));
  Authority ca(testing::make_test_ca(*key), key, testing::authority_options(&journal));
  Issued copy = ca.issue(leaf_request("copy"));
  write_file_atomic(dir.file("copy.pem"), copy.certificate.pem(), 0644, Overwrite::No);
  EXPECT_TRUE(journal.ledger().list({}).empty());
  journal.finish();  // signed, never carried: abandoned
  std::vector<IssuanceRecord> records = journal.ledger().list({});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].state, RecordState::Abandoned);
}

}  // namespace
}  // namespace kpki
