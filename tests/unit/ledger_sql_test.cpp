// The SQL ledger (core/ledger/storage/sql_ledger.h) over its connection interface, on a real
// SQLite file: the SQLite driver's placeholders and schema, and the ledger's transactions when the
// database fails at commit (a conflict retried from the start after a rollback, any other failure
// a DeviceError). The failures are injected by a connection that forwards everything else to the
// real SQLite one, since real lock contention cannot be timed in a test.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/ledger/ledger.h"
#include "core/ledger/storage/sql_ledger.h"
#include "core/ledger/storage/sql_statements.h"
#include "core/ledger/storage/sqlite/sqlite_connection.h"
#include "core/util/error.h"
#include "tests/support/error_of.h"
#include "tests/support/test_keys.h"

namespace kpki::ledger {
namespace {

using kpki::testing::TempDir;

// The real SQLite connection, whose commits fail as told.
class FailingCommits final : public SqlConnection {
 public:
  FailingCommits(std::unique_ptr<SqlConnection> inner, SqlFailure::Kind kind, int failures)
      : inner_(std::move(inner)), kind_(kind), failures_(failures), dialect_(inner_->dialect()) {
    dialect_.attempts = 3;  // no waiting in a test
    dialect_.backoff = std::chrono::milliseconds(0);
    dialect_.jitter = std::chrono::milliseconds(1);
  }
  const SqlDialect& dialect() const override { return dialect_; }
  std::string location() const override { return inner_->location(); }
  void start_session() override { inner_->start_session(); }
  void begin(SqlTransactionKind kind) override {
    if (kind == SqlTransactionKind::Write) ++write_begins;
    inner_->begin(kind);
  }
  void commit() override {
    if (armed && failures_ > 0) {
      --failures_;
      throw SqlFailure(kind_, "injected failure");
    }
    inner_->commit();
  }
  void rollback() noexcept override { inner_->rollback(); }
  void execute_script(const std::string& sql) override { inner_->execute_script(sql); }
  std::unique_ptr<SqlStatement> prepare(const std::string& sql) override {
    return inner_->prepare(sql);
  }

  bool armed = false;  // off while the ledger opens
  int write_begins = 0;

 private:
  std::unique_ptr<SqlConnection> inner_;
  SqlFailure::Kind kind_;
  int failures_;
  SqlDialect dialect_;
};

IssuanceRecord sample(const std::string& serial) {
  IssuanceRecord r;
  r.serial = serial;
  r.subject = "CN=node-1";
  r.sans = {"DNS:node-1"};
  r.issuer = "CN=kubernetes";
  r.issuer_key_id = "aa";
  r.der = {0x30, 0x00};
  r.ca_key_uri = "file:/ca.key";
  r.backend = "file";
  r.destinations = {"/tmp/a.crt"};
  return r;
}

struct Opened {
  std::unique_ptr<Ledger> ledger;
  FailingCommits* connection;
};

Opened open_failing(const std::string& path, SqlFailure::Kind kind, int failures) {
  auto connection = std::make_unique<FailingCommits>(open_sqlite_connection(path), kind, failures);
  FailingCommits* raw = connection.get();
  auto ledger = open_sql_ledger(std::move(connection));
  raw->armed = true;
  return {std::move(ledger), raw};
}

TEST(SqlLedger, AConflictAtCommitIsRolledBackAndRetriedFromTheStart) {
  TempDir dir;
  Opened opened = open_failing(dir.file("ledger.db"), SqlFailure::Kind::Conflict, 2);
  std::vector<IssuanceRecord> records = {sample("01"), sample("02")};
  opened.ledger->record(records);  // the third attempt commits
  EXPECT_EQ(opened.connection->write_begins, 3);
  EXPECT_EQ(opened.ledger->find_serial("01").size(), 1u);
  EXPECT_EQ(open_ledger(dir.file("ledger.db"))->incomplete().size(), 2u);
}

TEST(SqlLedger, ConflictsBeyondTheDriversAttemptsAreADeviceError) {
  TempDir dir;
  Opened opened = open_failing(dir.file("ledger.db"), SqlFailure::Kind::Conflict, 100);
  std::vector<IssuanceRecord> records = {sample("01")};
  Error e = kpki::testing::error_of([&] { opened.ledger->record(records); });
  EXPECT_EQ(e.code(), ErrorCode::DeviceError);
  EXPECT_EQ(e.message(), "ledger '" + dir.file("ledger.db") + "': cannot store records");
  EXPECT_EQ(opened.connection->write_begins, 3);  // the dialect's attempts, no more
  EXPECT_TRUE(open_ledger(dir.file("ledger.db"))->find_serial("01").empty());
}

TEST(SqlLedger, AnotherFailureIsNotRetriedAndStoresNothing) {
  TempDir dir;
  Opened opened = open_failing(dir.file("ledger.db"), SqlFailure::Kind::Other, 1);
  Error e = kpki::testing::error_of([&] { opened.ledger->next_crl_number("aa", 1); });
  EXPECT_EQ(e.code(), ErrorCode::DeviceError);
  EXPECT_EQ(e.cause(), "injected failure");
  EXPECT_EQ(opened.connection->write_begins, 1);
  EXPECT_EQ(opened.ledger->next_crl_number("aa", 1), 1u);  // the failed one was rolled back
}

// SQLite numbers $N parameters in the order they first appear; the driver makes them ?N.
TEST(SqliteLedgerDriver, PlaceholdersAreBoundByTheirNumber) {
  TempDir dir;
  auto db = open_sqlite_connection(dir.file("ledger.db"));
  db->begin(SqlTransactionKind::Read);
  std::string joined;
  db->prepare("SELECT $2 || '-' || $1")
      ->query({std::string("a"), std::string("b")},
              [&](const SqlRow& row) { joined = row.text(0); });
  db->commit();
  EXPECT_EQ(joined, "b-a");
}

// Migrations are never edited once released: the tokens spell SQLite's schema as it always was.
TEST(SqliteLedgerDriver, TheSchemaIsSpelledAsReleased) {
  TempDir dir;
  open_ledger(dir.file("ledger.db"));
  auto db = open_sqlite_connection(dir.file("ledger.db"));
  db->begin(SqlTransactionKind::Read);
  std::string schema;
  db->prepare("SELECT sql FROM sqlite_master WHERE name = $1")
      ->query({std::string("certificates")}, [&](const SqlRow& row) { schema = row.text(0); });
  db->commit();
  EXPECT_NE(schema.find("id INTEGER PRIMARY KEY,"), std::string::npos) << schema;
  EXPECT_NE(schema.find("not_after INTEGER NOT NULL"), std::string::npos) << schema;
  EXPECT_NE(schema.find("der BLOB NOT NULL"), std::string::npos) << schema;
  for (const std::string& migration : sql_statements(db->dialect()).migrations)
    EXPECT_EQ(migration.find('{'), std::string::npos) << migration;
}

}  // namespace
}  // namespace kpki::ledger
