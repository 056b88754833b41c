// The ledger in PostgreSQL, for several signers (hosts or processes) that issue for one CA: a
// driver of the SQL ledger (sql_ledger.h) whose reads and writes are SERIALIZABLE transactions
// (retried by the SQL ledger on serialization failures), migrations serialised by an advisory
// lock. Built as a module that kpki loads only for a postgresql:// ledger (postgresql_module.h),
// and only with KPKI_WITH_POSTGRESQL.
#include <pqxx/pqxx>

#include <memory>

#include "core/ledger/ledger_records.h"
#include "core/ledger/storage/postgresql/postgresql_module.h"
#include "core/ledger/storage/sql_ledger.h"
#include "core/util/error.h"

namespace kpki::ledger {

namespace {

using namespace std::chrono_literals;

const SqlDialect kDialect{
    .id_column = "BIGSERIAL PRIMARY KEY",
    .int64 = "BIGINT",
    .blob = "BYTEA",
    .random_id = "md5(random()::text || clock_timestamp()::text || pg_backend_pid()::text)",
    .for_update = " FOR UPDATE",  // a concurrent revoke of the same row waits, then conflicts
    .attempts = 50,
    .backoff = 5ms,
    .jitter = 50ms};

// Serialises migrations between signers opening one database at once.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7410551)";

// libpq's messages run over several lines ("...failed: No such file\n\tIs the server
// running...?\n"); an error here is one line.
std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool space = c == '\n' || c == '\t' || c == '\r' || c == ' ';
    if (!space)
      out += c;
    else if (!out.empty() && out.back() != ' ')
      out += ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

template <class F>
auto guarded(F&& f) {
  try {
    return f();
  } catch (const pqxx::transaction_rollback& e) {  // serialization failure, deadlock
    throw SqlFailure(SqlFailure::Kind::Conflict, one_line(e.what()));
  } catch (const pqxx::unique_violation& e) {
    throw SqlFailure(SqlFailure::Kind::Duplicate, one_line(e.what()));
  } catch (const std::exception& e) {
    throw SqlFailure(SqlFailure::Kind::Other, one_line(e.what()));
  }
}

class PostgresqlRow final : public SqlRow {
 public:
  explicit PostgresqlRow(const pqxx::row& row) : row_(row) {}
  bool is_null(int column) const override { return row_[column].is_null(); }
  std::int64_t integer(int column) const override {
    return guarded([&] { return row_[column].as<std::int64_t>(); });
  }
  std::string text(int column) const override {
    return guarded([&] { return row_[column].as<std::string>(); });
  }
  Bytes blob(int column) const override {
    return guarded([&] {
      pqxx::binarystring bytes(row_[column]);
      return Bytes(bytes.data(), bytes.data() + bytes.size());
    });
  }

 private:
  const pqxx::row& row_;
};

// Parameters go as text, their types taken from where they stand; a BLOB in bytea's hex form.
std::vector<std::string> as_text(const SqlParams& params) {
  std::vector<std::string> out;
  for (const SqlParam& p : params) {
    if (const auto* number = std::get_if<std::int64_t>(&p))
      out.push_back(std::to_string(*number));
    else if (const auto* text = std::get_if<std::string>(&p))
      out.push_back(*text);
    else
      out.push_back("\\x" + hex_of(std::get<Bytes>(p)));
  }
  return out;
}

class PostgresqlConnection final : public SqlConnection {
 public:
  explicit PostgresqlConnection(const std::string& uri)
      : location_(redact_ledger_spec(uri)), connection_(connect(uri, location_)) {}

  const SqlDialect& dialect() const override { return kDialect; }
  std::string location() const override { return location_; }

  // Schema: READ COMMITTED, not SERIALIZABLE: once the advisory lock is granted, the next
  // statement must see what the signer that held it committed (a serializable snapshot would
  // predate it).
  void begin(SqlTransactionKind kind) override {
    tx_.reset();
    guarded([&] {
      try {
        if (kind == SqlTransactionKind::Schema) {
          tx_ = std::make_unique<pqxx::transaction<pqxx::read_committed>>(*connection_);
          tx_->exec(kMigrationLock);
        } else {
          tx_ = std::make_unique<pqxx::transaction<pqxx::serializable>>(*connection_);
        }
      } catch (...) {
        tx_.reset();
        throw;
      }
    });
  }

  void commit() override {
    guarded([&] { transaction().commit(); });
    tx_.reset();
  }

  void rollback() noexcept override { tx_.reset(); }  // pqxx aborts what did not commit

  void execute_script(const std::string& sql) override {
    guarded([&] { transaction().exec(sql); });
  }

  std::unique_ptr<SqlStatement> prepare(const std::string& sql) override {
    return std::make_unique<Statement>(*this, sql);
  }

 private:
  // Sent as it is each time (the ledger runs few statements per transaction).
  class Statement final : public SqlStatement {
   public:
    Statement(PostgresqlConnection& db, const std::string& sql) : db_(db), sql_(sql) {}
    std::int64_t execute(const SqlParams& params) override {
      return static_cast<std::int64_t>(run(params).affected_rows());
    }
    void query(const SqlParams& params, const std::function<void(const SqlRow&)>& each) override {
      for (const pqxx::row& row : run(params)) each(PostgresqlRow(row));
    }

   private:
    pqxx::result run(const SqlParams& params) {
      std::vector<std::string> values = as_text(params);
      return guarded([&] {
        return db_.transaction().exec_params(sql_, pqxx::prepare::make_dynamic_params(values));
      });
    }
    PostgresqlConnection& db_;
    std::string sql_;
  };

  static std::unique_ptr<pqxx::connection> connect(const std::string& uri,
                                                   const std::string& shown) {
    try {
      return std::make_unique<pqxx::connection>(uri);
    } catch (const std::exception& e) {
      throw Error(ErrorCode::DeviceError, "cannot connect to ledger '" + shown + "'",
                  one_line(redact_ledger_spec(e.what())));
    }
  }

  pqxx::dbtransaction& transaction() {
    if (!tx_) throw std::logic_error("PostgreSQL ledger: a statement outside a transaction");
    return *tx_;
  }

  std::string location_;
  std::unique_ptr<pqxx::connection> connection_;
  std::unique_ptr<pqxx::dbtransaction> tx_;
};

}  // namespace
}  // namespace kpki::ledger

// The module's two entry points (postgresql_module.h); everything else in it is hidden.
extern "C" __attribute__((visibility("default"))) const char* kpki_ledger_postgresql_version() {
  return KPKI_VERSION;
}

extern "C" __attribute__((visibility("default"))) kpki::ledger::Ledger* kpki_ledger_postgresql_open(
    const char* uri) {
  using namespace kpki::ledger;
  return open_sql_ledger(std::make_unique<PostgresqlConnection>(uri)).release();
}
