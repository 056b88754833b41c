// The journal as an Authority's recorder: the certificates it signs are recorded (incomplete)
// before the file carrying them is installed, released by finish(); a record that cannot be
// stored means no file; failed runs and crashes are settled against the files.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/fs/file_io.h"
#include "core/issue/authority.h"
#include "core/issue/file_group.h"
#include "core/issue/profiles.h"
#include "core/kubernetes/init/init.h"
#include "core/ledger/issuance_journal.h"
#include "core/ledger/reconcile.h"
#include "core/util/error.h"
#include "tests/support/error_of.h"
#include "tests/support/test_keys.h"

namespace kpki::ledger {
namespace {

using kpki::testing::make_signer;
using kpki::testing::TempDir;

class LedgerJournal : public ::testing::Test {
 protected:
  std::string spec() const { return dir_.file("ledger.db"); }
  std::unique_ptr<IssuanceJournal> start() {
    return std::make_unique<IssuanceJournal>(open_ledger(spec()),
                                             JournalContext::of_this_process("kpki test"));
  }
  // The test CA, recording with `journal`.
  Authority authority(IssuanceJournal& journal) {
    return Authority(kpki::testing::make_test_ca(*ca_key_), ca_key_,
                     kpki::testing::authority_options(&journal));
  }
  Issued leaf(const Authority& ca, const std::string& cn) {
    CertificateRequest request;
    request.subject.common_name = cn;
    request.sans.dns = {cn + ".example"};
    request.subject_public_key = make_signer(Algorithm::EcdsaP256)->public_key_der();
    apply_profile(Profile::Server, KeyType::Ec, request);
    request.validity = Validity::from_now(std::chrono::hours(24));
    return ca.issue(request);
  }
  std::vector<IssuanceRecord> all() { return open_ledger(spec())->list({}); }

  TempDir dir_;
  std::shared_ptr<const Signer> ca_key_ = make_signer(Algorithm::EcdsaP256);
};

TEST_F(LedgerJournal, RecordedBeforeTheFileIsWrittenAndReleasedAfter) {
  auto journal = start();
  AuthorityOptions options =
      kpki::testing::authority_options(journal.get(), "pkcs11:token=ca;object=ca?pin-value=1234");
  Issued root = Authority::self_sign(kpki::testing::test_ca_request(*ca_key_), *ca_key_, options);
  Authority ca(std::move(root.certificate), ca_key_, options);
  Issued issued = leaf(ca, "api");
  const Certificate& cert = issued.certificate;
  // Signed, not yet written: the leaf and the CA (never written either) are pending; nothing
  // stored.
  EXPECT_TRUE(all().empty());
  write_recorded_file(dir_.file("api.crt"), cert.pem(), 0644, Overwrite::No, issued.record);
  auto records = all();
  ASSERT_EQ(records.size(), 1u);
  const IssuanceRecord& r = records[0];
  EXPECT_EQ(r.serial, cert.serial_hex());
  EXPECT_EQ(r.subject, "CN=api");
  EXPECT_EQ(r.sans, std::vector<std::string>{"DNS:api.example"});
  EXPECT_EQ(r.issuer, "CN=test-ca");
  EXPECT_EQ(r.issuer_key_id, issuer_key_id(ca.certificate()));
  EXPECT_EQ(r.not_after, cert.not_after());
  EXPECT_EQ(r.der, cert.der());
  EXPECT_EQ(r.profile, "server");
  EXPECT_EQ(r.backend, "pkcs11");
  EXPECT_EQ(r.ca_key_uri.find("1234"), std::string::npos);  // PIN redacted
  EXPECT_EQ(r.destinations, std::vector<std::string>{dir_.file("api.crt")});
  EXPECT_EQ(r.state, RecordState::Incomplete);
  journal->finish();
  records = all();
  // The self-signed CA, signed but never written, is recorded too: abandoned.
  ASSERT_EQ(records.size(), 2u);
  for (const auto& rec : records)
    EXPECT_EQ(rec.state, rec.profile == "ca" ? RecordState::Abandoned : RecordState::Released);
}

TEST_F(LedgerJournal, ARecordThatCannotBeStoredMeansNoFile) {
  auto journal = start();
  Authority ca = authority(*journal);
  Issued issued = leaf(ca, "api");
  const Certificate& cert = issued.certificate;
  // The same issuer and serial are already in the ledger (another signer took them).
  IssuanceRecord taken;
  taken.serial = cert.serial_hex();
  taken.issuer_key_id = issuer_key_id(ca.certificate());
  taken.der = {1};
  std::vector<IssuanceRecord> taken_list = {taken};
  open_ledger(spec())->record(taken_list);
  EXPECT_EQ(kpki::testing::error_of([&] {
              write_recorded_file(dir_.file("api.crt"), cert.pem(), 0644, Overwrite::No,
                                  issued.record);
            }).code(),
            ErrorCode::AlreadyExists);
  EXPECT_FALSE(file_exists(dir_.file("api.crt")));
}

TEST_F(LedgerJournal, AFailedRunSettlesItsRecordsAgainstTheFiles) {
  std::string kept = dir_.file("kept.crt"), removed = dir_.file("removed.crt");
  {
    auto journal = start();
    Authority ca = authority(*journal);
    for (const auto& [path, cn] : {std::pair{kept, "kept"}, std::pair{removed, "removed"}}) {
      Issued issued = leaf(ca, cn);
      write_recorded_file(path, issued.certificate.pem(), 0644, Overwrite::No, issued.record);
    }
    std::filesystem::remove(removed);  // the failed run's rollback
  }                                    // no finish(): the run failed
  for (const auto& r : all()) {
    EXPECT_EQ(r.state, r.subject == "CN=kept" ? RecordState::Released : RecordState::Abandoned)
        << r.subject;
  }
  EXPECT_EQ(all().size(), 2u);
}

TEST_F(LedgerJournal, NextRunReconcilesWhatADeadProcessLeftIncomplete) {
  Authority ca(kpki::testing::make_test_ca(*ca_key_), ca_key_);
  Certificate written = leaf(ca, "written").certificate, lost = leaf(ca, "lost").certificate,
              live = leaf(ca, "live").certificate;
  write_file_atomic(dir_.file("written.crt"), written.pem(), 0644, Overwrite::No);
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);  // a pid that is surely dead now
  auto record = [&](const Certificate& c, const std::string& file, std::int64_t pid) {
    IssuanceRecord r;
    r.serial = c.serial_hex();
    r.issuer_key_id = issuer_key_id(ca.certificate());
    r.der = c.der();
    r.host = this_host();
    r.pid = pid;
    r.destinations = {dir_.file(file)};
    return r;
  };
  std::vector<IssuanceRecord> records = {record(written, "written.crt", child),
                                         record(lost, "lost.crt", child),
                                         record(live, "live.crt", getppid())};
  open_ledger(spec())->record(records);
  auto journal = start();
  EXPECT_EQ(journal->reconciled_on_start().released, 1);
  EXPECT_EQ(journal->reconciled_on_start().abandoned, 1);
  EXPECT_EQ(journal->reconciled_on_start().skipped, 1);  // its process is still running
  EXPECT_EQ(open_ledger(spec())->find_serial(live.serial_hex())[0].state, RecordState::Incomplete);
}

// A tree's CAs and its groups' installs store records from threads of their own: the journal
// hands its one connection to one of them at a time.
TEST_F(LedgerJournal, RecordsStoredFromSeveralThreadsAreAllKept) {
  auto journal = start();
  Authority ca = authority(*journal);
  constexpr int kThreads = 4, kEach = 12;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string name = "n" + std::to_string(t) + "-" + std::to_string(i);
        Issued issued = leaf(ca, name);
        write_recorded_file(dir_.file(name + ".crt"), issued.certificate.pem(), 0644, Overwrite::No,
                            issued.record);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  journal->finish();
  auto records = all();
  ASSERT_EQ(records.size(), static_cast<size_t>(kThreads * kEach));
  for (const IssuanceRecord& r : records) EXPECT_EQ(r.state, RecordState::Released) << r.subject;
}

TEST_F(LedgerJournal, InitRecordsEveryCertificateItWrites) {
  kube::ClusterConfig config = kube::parse_cluster_config(
      "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nencryptionAlgorithm: ECDSA-P256\n"
      "nodes:\n  - {name: cp1, address: 127.0.0.1}\n  - {name: w1, address: 10.0.0.21, "
      "role: worker}\n",
      "cluster.yaml", dir_.path(), key_registry());
  kube::InitOptions options;
  options.out_dir = dir_.file("out");
  const LeafKeySource& keys = leaf_key_source(LeafKeyLibrary::OpenSsl);
  auto journal = start();
  options.recorder = journal.get();
  std::ostringstream log;
  kube::run_init(config, options, key_registry(), keys, log);
  journal->finish();
  auto records = all();
  // Every certificate file (and kubeconfig) of the tree has exactly one released record.
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(options.out_dir)) {
    std::string p = entry.path().string();
    if (!entry.is_regular_file() || p.find("/nodes/") == std::string::npos) continue;
    if (!(p.ends_with(".crt") || p.ends_with(".conf"))) continue;
    if (p.ends_with("ca.crt")) continue;  // copies of the CA certificates
    ++files;
    size_t holders = 0;
    for (const auto& r : records)
      if (r.profile != "ca" && file_holds(p, r.der)) {
        ++holders;
        EXPECT_EQ(r.state, RecordState::Released) << p;
      }
    EXPECT_EQ(holders, 1u) << p;
  }
  EXPECT_GT(files, 10u);
  // The three CAs plus one record per leaf, all released.
  EXPECT_EQ(records.size(), files + 3);
  for (const auto& r : records) EXPECT_EQ(r.state, RecordState::Released) << r.subject;
}

}  // namespace
}  // namespace kpki::ledger
