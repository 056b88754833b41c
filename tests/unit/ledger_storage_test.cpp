// The ledger's storages, the same tests against SQLite (a temp file) and PostgreSQL (a real
// server that the fixture starts on a Unix socket through tests/scripts/lib/postgres.sh, skipped
// when PostgreSQL is not installed).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>

#include "core/ledger/ledger.h"
#include "core/ledger/ledger_records.h"
#include "core/ledger/storage/storage.h"
#include "core/util/error.h"
#include "tests/support/error_of.h"
#include "tests/support/test_keys.h"

namespace kpki::ledger {
namespace {

using kpki::testing::run_command;
using kpki::testing::TempDir;

template <class F>
ErrorCode code_of(F&& f) {
  return kpki::testing::error_of(std::forward<F>(f)).code();
}

const std::string kPostgresScript = std::string(KPKI_SOURCE_DIR) + "/tests/scripts/lib/postgres.sh";

IssuanceRecord sample(const std::string& issuer_key_id, const std::string& serial,
                      const std::string& cn = "node-1",
                      std::chrono::hours lifetime = std::chrono::hours(24)) {
  IssuanceRecord r;
  r.serial = serial;
  r.subject = "CN=" + cn + ", O=system:nodes";
  r.sans = {"DNS:" + cn + ".example", "IP:10.0.0.1"};
  r.issuer = "CN=kubernetes";
  r.issuer_key_id = issuer_key_id;
  r.not_before = now_seconds();
  r.not_after = now_seconds() + lifetime;
  r.profile = "client";
  r.sha256 = "00ff";
  r.der = {0x30, 0x03, 0x02, 0x01, 0x00};  // stored as given: the storage does not parse it
  r.ca_key_uri = "pkcs11:token=ca;object=k?pin-value=***";
  r.backend = "pkcs11";
  r.issued_at = now_seconds();
  r.host = "h";
  r.user = "u";
  r.command = "kpki issue";
  r.pid = 4242;
  r.destinations = {"/tmp/a.crt"};
  return r;
}

class LedgerStorage : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      spec_ = dir_.file("sub/ledger.db");
      return;
    }
    // The server runs as the postgres user, which must reach its directory inside ours.
    std::filesystem::permissions(dir_.path(), std::filesystem::perms(0755));
    auto started = run_command("bash " + kPostgresScript + " start " + dir_.file("pg"));
    if (started.exit_code == 77) GTEST_SKIP() << "PostgreSQL is not installed";
    ASSERT_EQ(started.exit_code, 0) << started.output;
    pg_started_ = true;
    size_t at = started.output.find("postgresql://");
    ASSERT_NE(at, std::string::npos) << started.output;
    spec_ = started.output.substr(at, started.output.find('\n', at) - at);
  }
  void TearDown() override {
    if (pg_started_) run_command("bash " + kPostgresScript + " stop " + dir_.file("pg"));
  }
  std::unique_ptr<Ledger> open() { return open_ledger(spec_); }

  TempDir dir_;
  std::string spec_;
  bool pg_started_ = false;
};

TEST_P(LedgerStorage, RecordsAreReadBackWholeAndReleased) {
  auto ledger = open();
  std::vector<IssuanceRecord> records = {sample("aa", "0A1B"), sample("aa", "0A1C", "node-2")};
  ledger->record(records);
  auto found = ledger->find_serial("0A1B");
  ASSERT_EQ(found.size(), 1u);
  const IssuanceRecord& r = found[0];
  EXPECT_EQ(r.subject, records[0].subject);
  EXPECT_EQ(r.sans, records[0].sans);
  EXPECT_EQ(r.der, records[0].der);
  EXPECT_EQ(r.not_after, records[0].not_after);
  EXPECT_EQ(r.ca_key_uri, records[0].ca_key_uri);
  EXPECT_EQ(r.destinations, records[0].destinations);
  EXPECT_EQ(r.pid, 4242);
  EXPECT_EQ(r.state, RecordState::Incomplete);
  EXPECT_FALSE(r.revocation);
  EXPECT_EQ(ledger->incomplete().size(), 2u);
  std::vector<RecordKey> keys = {records[0].key()};
  ledger->mark_released(keys);
  EXPECT_EQ(ledger->find_serial("0A1B")[0].state, RecordState::Released);
  EXPECT_EQ(ledger->incomplete().size(), 1u);
  // A second open sees the same data and does not re-run migrations.
  EXPECT_EQ(open()->find_serial("0A1C").size(), 1u);
}

TEST_P(LedgerStorage, DuplicateSerialOfOneIssuerIsRefusedAndTheBatchStoresNothing) {
  auto ledger = open();
  std::vector<IssuanceRecord> first = {sample("aa", "01")};
  ledger->record(first);
  std::vector<IssuanceRecord> batch = {sample("aa", "02"), sample("aa", "01")};
  EXPECT_EQ(code_of([&] { ledger->record(batch); }), ErrorCode::AlreadyExists);
  EXPECT_TRUE(ledger->find_serial("02").empty());  // all or none
  // Serials are unique per issuer only.
  std::vector<IssuanceRecord> other = {sample("bb", "01")};
  ledger->record(other);
  EXPECT_EQ(ledger->find_serial("01").size(), 2u);
}

TEST_P(LedgerStorage, RevokeListsForTheIssuerOnlyAndOnce) {
  auto ledger = open();
  std::vector<IssuanceRecord> records = {sample("aa", "01"), sample("aa", "02"),
                                         sample("bb", "03")};
  ledger->record(records);
  TimePoint when = now_seconds();
  ledger->revoke({"aa", "02"}, RevocationReason::KeyCompromise, when);
  ledger->revoke({"bb", "03"}, RevocationReason::Superseded, when);
  auto revoked = ledger->revoked("aa");
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0].serial, "02");
  EXPECT_EQ(revoked[0].reason, RevocationReason::KeyCompromise);
  EXPECT_EQ(revoked[0].time, when);
  EXPECT_EQ(ledger->find_serial("02")[0].revocation->reason, RevocationReason::KeyCompromise);
  EXPECT_EQ(code_of([&] {
              ledger->revoke({"aa", "02"}, RevocationReason::Superseded, when);
            }),
            ErrorCode::AlreadyExists);
  EXPECT_EQ(code_of([&] {
              ledger->revoke({"aa", "99"}, RevocationReason::Superseded, when);
            }),
            ErrorCode::NotFound);
}

TEST_P(LedgerStorage, CrlNumbersCountUpPerIssuerAcrossOpens) {
  {
    auto ledger = open();
    EXPECT_EQ(ledger->next_crl_number("aa", 1), 1u);
    EXPECT_EQ(ledger->next_crl_number("aa", 1), 2u);
    EXPECT_EQ(ledger->next_crl_number("bb", 1), 1u);
  }
  EXPECT_EQ(open()->next_crl_number("aa", 1), 3u);
}

// A CRL published before the ledger was lost counts: its number is never handed out again.
TEST_P(LedgerStorage, CrlNumbersNeverGoBelowTheFloorGiven) {
  auto ledger = open();
  EXPECT_EQ(ledger->next_crl_number("aa", 7), 7u);  // a fresh issuer starts at the floor
  EXPECT_EQ(ledger->next_crl_number("aa", 1), 8u);  // and counts on from it
  EXPECT_EQ(ledger->next_crl_number("aa", 3), 9u);  // a lower floor changes nothing
  EXPECT_EQ(ledger->next_crl_number("aa", 20), 20u);
  EXPECT_EQ(open()->next_crl_number("aa", 0), 21u);
}

// The identity a CA's ledger state remembers: the same on every open, new for a ledger made anew.
TEST_P(LedgerStorage, IdentityIsKeptAcrossOpensAndNewForALedgerMadeAnew) {
  std::string first = open()->identity();
  EXPECT_EQ(first.size(), 32u);
  EXPECT_EQ(open()->identity(), first);
  std::string drop =
      "DROP TABLE releases, certificates, crl_numbers, ledger_identity, schema_version";
  if (GetParam() == "sqlite") {
    std::filesystem::remove(spec_);
  } else {
    auto r = run_command("psql -q '" + spec_ + "' -c '" + drop + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  std::string second = open()->identity();
  EXPECT_EQ(second.size(), 32u);
  EXPECT_NE(second, first);
}

// What `ledger rebuild` stores for a revoked certificate no file holds: no DER, which is not NULL.
TEST_P(LedgerStorage, ARecordWithoutDerIsStored) {
  auto ledger = open();
  IssuanceRecord r = sample("aa", "0A");
  r.der.clear();
  r.sha256.clear();
  std::vector<IssuanceRecord> records = {r};
  ledger->record(records);
  ASSERT_EQ(ledger->find_serial("0A").size(), 1u);
  EXPECT_TRUE(ledger->find_serial("0A")[0].der.empty());
}

TEST_P(LedgerStorage, ListFiltersByIssuerExpiryAndSubject) {
  auto ledger = open();
  IssuanceRecord soon = sample("aa", "01", "soon", std::chrono::hours(24 * 10));
  IssuanceRecord later = sample("aa", "02", "later", std::chrono::hours(24 * 100));
  IssuanceRecord etcd = sample("cc", "03", "etcd-peer", std::chrono::hours(24 * 10));
  etcd.issuer = "CN=etcd-ca";
  std::vector<IssuanceRecord> records = {soon, later, etcd};
  ledger->record(records);
  EXPECT_EQ(ledger->list({}).size(), 3u);
  RecordQuery by_ca;
  by_ca.ca = "etcd-ca";
  ASSERT_EQ(ledger->list(by_ca).size(), 1u);
  EXPECT_EQ(ledger->list(by_ca)[0].serial, "03");
  by_ca.ca = "cc";  // the key id works too
  EXPECT_EQ(ledger->list(by_ca).size(), 1u);
  RecordQuery expiring;
  expiring.expiring_within = std::chrono::hours(24 * 30);
  EXPECT_EQ(ledger->list(expiring).size(), 2u);
  RecordQuery subject;
  subject.subject = "later";
  ASSERT_EQ(ledger->list(subject).size(), 1u);
  EXPECT_EQ(ledger->list(subject)[0].serial, "02");
}

TEST_P(LedgerStorage, ReconcileStatesAreStored) {
  auto ledger = open();
  std::vector<IssuanceRecord> records = {sample("aa", "01")};
  ledger->record(records);
  EXPECT_TRUE(ledger->settle({"aa", "01"}, RecordState::Abandoned));
  EXPECT_FALSE(ledger->settle({"aa", "01"}, RecordState::Released));  // settled once only
  EXPECT_EQ(ledger->find_serial("01")[0].state, RecordState::Abandoned);
  EXPECT_TRUE(ledger->incomplete().empty());
  EXPECT_EQ(code_of([&] {
              ledger->settle({"aa", "77"}, RecordState::Released);
            }),
            ErrorCode::NotFound);
}

// A ledger of schema version 2 (a release set `state`) keeps what it says when version 3 moves
// releases to a table of their own: released stays released, incomplete can still be released
// or settled.
TEST_P(LedgerStorage, RecordsReleasedBeforeSchemaThreeKeepTheirState) {
  {
    auto ledger = open();
    std::vector<IssuanceRecord> records = {sample("aa", "01"), sample("aa", "02", "node-2")};
    ledger->record(records);
  }
  std::string sql =
      "DROP TABLE releases; DELETE FROM schema_version WHERE version = 3; "
      "UPDATE certificates SET state = 'released' WHERE serial = '01'";
  auto r = GetParam() == "sqlite" ? run_command("sqlite3 '" + spec_ + "' \"" + sql + "\"")
                                  : run_command("psql -q '" + spec_ + "' -c \"" + sql + "\"");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto ledger = open();  // migrates to version 3 again
  EXPECT_EQ(ledger->find_serial("01")[0].state, RecordState::Released);
  EXPECT_FALSE(ledger->settle({"aa", "01"}, RecordState::Abandoned));
  ASSERT_EQ(ledger->incomplete().size(), 1u);
  EXPECT_EQ(ledger->incomplete()[0].serial, "02");
  std::vector<RecordKey> keys = {{"aa", "01"}, {"aa", "02"}};
  ledger->mark_released(keys);
  ledger->mark_released(keys);  // twice is once
  EXPECT_EQ(ledger->find_serial("02")[0].state, RecordState::Released);
  EXPECT_TRUE(ledger->incomplete().empty());
  EXPECT_FALSE(ledger->settle({"aa", "02"}, RecordState::Abandoned));  // released is final
  EXPECT_EQ(ledger->list({}).size(), 2u);
}

TEST_P(LedgerStorage, SchemaFromANewerKpkiIsRefused) {
  open();  // creates the schema
  std::string sql = "INSERT INTO schema_version (version) VALUES (99)";
  auto r = GetParam() == "sqlite" ? run_command("sqlite3 '" + spec_ + "' '" + sql + "'")
                                  : run_command("psql -q '" + spec_ + "' -c '" + sql + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(code_of([&] { open(); }), ErrorCode::Unsupported);
}

INSTANTIATE_TEST_SUITE_P(Storages, LedgerStorage, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// SQLite follows links: a ledger path that is one would have the records written into its target.
TEST(SqliteLedger, ASymbolicLinkIsRefusedAndItsTargetUntouched) {
  TempDir dir;
  std::string target = dir.file("target.db");
  { std::ofstream(target) << ""; }
  std::filesystem::create_symlink(target, dir.file("link.db"));
  EXPECT_EQ(code_of([&] { open_ledger(dir.file("link.db")); }), ErrorCode::InvalidInput);
  EXPECT_EQ(std::filesystem::file_size(target), 0u);
  std::filesystem::create_symlink(dir.file("absent.db"), dir.file("dangling.db"));
  EXPECT_EQ(code_of([&] { open_ledger(dir.file("dangling.db")); }), ErrorCode::InvalidInput);
  EXPECT_FALSE(std::filesystem::exists(dir.file("absent.db")));
}

TEST(LedgerNames, ReasonsParseAsRfc5280SpellsThem) {
  EXPECT_EQ(parse_reason("keyCompromise"), RevocationReason::KeyCompromise);
  EXPECT_EQ(parse_reason("CESSATIONOFOPERATION"), RevocationReason::CessationOfOperation);
  EXPECT_EQ(reason_name(RevocationReason::Superseded), "superseded");
  EXPECT_EQ(code_of([] { parse_reason("stolen"); }), ErrorCode::InvalidInput);
}

TEST(LedgerNames, PostgresqlPasswordsAreNotShown) {
  EXPECT_EQ(redact_ledger_spec("postgresql://kpki:s3cret@db/kpki"),
            "postgresql://kpki:***@db/kpki");
  EXPECT_EQ(redact_ledger_spec("postgres:///kpki?password=s3cret&host=/s"),
            "postgres:///kpki?password=***&host=/s");
  EXPECT_EQ(redact_ledger_spec("/var/lib/kpki/ledger.db"), "/var/lib/kpki/ledger.db");
}

// The PostgreSQL storage is a module loaded on first use (core/ledger/storage/postgresql/).
// Only compiled-in directories: a kpki copied to /opt/kpki/bin (or any directory others may
// write) never looks in /opt/kpki/lib/kpki.
TEST(PostgresqlModule, IsLookedForOnlyInTheInstalledAndBuildDirectories) {
  auto path = postgresql_module_search_path("/opt/kpki/bin/kpki");
  ASSERT_GE(path.size(), 2u);
  for (const auto& file : path) {
    EXPECT_TRUE(file.is_absolute()) << file;
    EXPECT_EQ(file.filename(), "kpki-ledger-postgresql.so");
    EXPECT_NE(file.string().rfind("/opt/kpki/", 0), 0u) << file;
  }
  EXPECT_EQ(path, postgresql_module_search_path("/tmp/anywhere/kpki"));
  EXPECT_EQ(std::set<std::filesystem::path>(path.begin(), path.end()).size(), path.size());
}

TEST(PostgresqlModule, LoadsFromTheBuildTreeAndReportsAServerItCannotReachOnOneLine) {
  TempDir dir;
  Error e = kpki::testing::error_of(
      [&] { open_ledger("postgresql:///kpki?host=" + dir.file("no-server")); });
#ifdef KPKI_WITH_POSTGRESQL
  // DeviceError from the module's connect, not NotFound/Unsupported from the loader.
  EXPECT_EQ(e.code(), ErrorCode::DeviceError) << e.what();
  EXPECT_NE(e.cause().find("no-server"), std::string::npos) << e.cause();
  EXPECT_EQ(e.cause().find('\n'), std::string::npos) << e.cause();
#else
  EXPECT_EQ(e.code(), ErrorCode::Unsupported) << e.what();
#endif
}

// open_ledger and the redaction read one rule (is_postgresql_spec): every spelling it accepts
// goes to the server, never to a SQLite file of that name.
TEST(PostgresqlModule, EveryPostgresqlSpellingOpensTheServer) {
  TempDir dir;
  for (std::string scheme : {"postgresql", "postgres", "PostgreSQL", "POSTGRES"}) {
    std::string spec = scheme + ":///kpki?host=" + dir.file("no-server");
    ASSERT_TRUE(is_postgresql_spec(spec)) << spec;
    Error e = kpki::testing::error_of([&] { open_ledger(spec); });
#ifdef KPKI_WITH_POSTGRESQL
    EXPECT_EQ(e.code(), ErrorCode::DeviceError) << spec << ": " << e.what();
#else
    EXPECT_EQ(e.code(), ErrorCode::Unsupported) << spec << ": " << e.what();
#endif
  }
  EXPECT_FALSE(is_postgresql_spec(dir.file("ledger.db")));
  EXPECT_FALSE(is_postgresql_spec("postgresql:ledger.db"));  // no "//": a file name
}

}  // namespace
}  // namespace kpki::ledger
