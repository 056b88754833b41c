#pragma once
// What the SQL ledger (sql_ledger.h) needs of a database, and all a storage driver implements
// (storage/sqlite/, storage/postgresql/): statements with bound parameters, rows read column by
// column, and transactions. The ledger's SQL is written once, with $1, $2... placeholders and the
// few words the dialects spell differently as {tokens} (SqlDialect); a driver translates the rest.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "core/util/bytes.h"

namespace kpki::ledger {

// A failure the database reported, sorted so the ledger can act on it without knowing the driver.
class SqlFailure : public std::runtime_error {
 public:
  enum class Kind {
    Conflict,   // another connection held a lock or conflicted (busy, serialization): retry
    Duplicate,  // a UNIQUE constraint refused the row
    Other,
  };
  SqlFailure(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// A parameter: an integer, text, or a BLOB (an empty one is stored empty, never NULL).
using SqlParam = std::variant<std::int64_t, std::string, Bytes>;
using SqlParams = std::vector<SqlParam>;

// One row of a result, valid only inside the callback that is given it. Columns count from 0.
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual bool is_null(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;
  virtual std::string text(int column) const = 0;
  virtual Bytes blob(int column) const = 0;
};

// A statement prepared on the connection, used inside the transaction it was prepared in.
class SqlStatement {
 public:
  virtual ~SqlStatement() = default;
  // Runs it with `params` for $1, $2...; returns the rows it changed.
  virtual std::int64_t execute(const SqlParams& params) = 0;
  // Runs it and hands each row of its result to `each`, in order.
  virtual void query(const SqlParams& params, const std::function<void(const SqlRow&)>& each) = 0;
};

// How a transaction locks (the drivers say how each is done).
enum class SqlTransactionKind {
  Read,    // sees one consistent state
  Write,   // changes rows; conflicts with concurrent writers are detected or waited out
  Schema,  // migrations: one connection at a time, seeing what the previous one committed
};

// The words of the ledger's SQL that each dialect spells its own way, and how long a driver's
// conflicts are retried.
struct SqlDialect {
  std::string id_column;   // {id}: an auto-numbered 64-bit primary key
  std::string int64;       // {int64}: a 64-bit integer column
  std::string blob;        // {blob}: a byte string column
  std::string random_id;   // {random_id}: 32 random lower-case hex digits
  std::string for_update;  // {for_update}: after a SELECT that locks the rows it reads, or ""
  int attempts = 50;       // a Conflict is retried until this many attempts failed,
  std::chrono::milliseconds backoff{10};  // waiting this long
  std::chrono::milliseconds jitter{90};   // plus up to this much more, at random
};

// One open connection to the ledger's database. Failures are thrown as SqlFailure.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual const SqlDialect& dialect() const = 0;
  // Where the ledger lives, for messages: a path, or a URI without its password.
  virtual std::string location() const = 0;
  // Session settings, run once before the first transaction and retried like one.
  virtual void start_session() {}
  virtual void begin(SqlTransactionKind kind) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // Several statements without parameters, e.g. a migration.
  virtual void execute_script(const std::string& sql) = 0;
  virtual std::unique_ptr<SqlStatement> prepare(const std::string& sql) = 0;
};

}  // namespace kpki::ledger
