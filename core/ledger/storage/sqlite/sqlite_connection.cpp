// The ledger in one SQLite file (the default), a driver of the SQL ledger (sql_ledger.h): WAL so
// readers never block the writer, a busy timeout (and the SQL ledger's retries beyond it) so
// concurrent kpki processes wait for each other instead of failing with "database is locked", and
// BEGIN IMMEDIATE for every write so the lock is taken up front (a deferred transaction that
// upgrades to a write cannot wait for the lock in WAL mode).
#include "core/ledger/storage/sqlite/sqlite_connection.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

#include "core/fs/file_io.h"
#include "core/ledger/storage/sql_ledger.h"
#include "core/ledger/storage/storage.h"
#include "core/util/error.h"

namespace kpki::ledger {

namespace {

using namespace std::chrono_literals;

const SqlDialect kDialect{.id_column = "INTEGER PRIMARY KEY",  // the rowid
                          .int64 = "INTEGER",
                          .blob = "BLOB",
                          .random_id = "lower(hex(randomblob(16)))",
                          .for_update = "",  // BEGIN IMMEDIATE has locked the whole file
                          .attempts = 50,
                          .backoff = 10ms,
                          .jitter = 90ms};

// 2 MiB of page cache: a run's records go to random places of the serial indexes, and with 256 KiB
// a 1,000-node init read 8,600 pages back from the WAL and the database (2,400 with 2 MiB).
constexpr const char* kPragmas =
    "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -2048;";
constexpr const char* kWal = "PRAGMA journal_mode = WAL";
constexpr int kBusyTimeoutMs = 10000;

SqlFailure failure_of(const SQLite::Exception& e) {
  int code = e.getErrorCode() & 0xff;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    return SqlFailure(SqlFailure::Kind::Conflict, e.what());
  if (code == SQLITE_CONSTRAINT) return SqlFailure(SqlFailure::Kind::Duplicate, e.what());
  return SqlFailure(SqlFailure::Kind::Other, e.what());
}

template <class F>
auto guarded(F&& f) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    throw failure_of(e);
  }
}

// $1, $2... -> ?1, ?2...: SQLite numbers ?NNN parameters as written ($NNN would be names,
// numbered in the order they first appear).
std::string sqlite_placeholders(std::string sql) {
  for (size_t i = 0; i + 1 < sql.size(); ++i)
    if (sql[i] == '$' && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) sql[i] = '?';
  return sql;
}

class SqliteRow final : public SqlRow {
 public:
  explicit SqliteRow(SQLite::Statement& q) : q_(q) {}
  bool is_null(int column) const override { return q_.getColumn(column).isNull(); }
  std::int64_t integer(int column) const override { return q_.getColumn(column).getInt64(); }
  std::string text(int column) const override { return q_.getColumn(column).getString(); }
  Bytes blob(int column) const override {
    SQLite::Column c = q_.getColumn(column);
    const auto* data = static_cast<const std::uint8_t*>(c.getBlob());  // before getBytes()
    return Bytes(data, data + c.getBytes());
  }

 private:
  SQLite::Statement& q_;
};

class SqliteStatement final : public SqlStatement {
 public:
  SqliteStatement(SQLite::Database& db, const std::string& sql)
      : q_(guarded([&] { return SQLite::Statement(db, sqlite_placeholders(sql)); })) {}

  std::int64_t execute(const SqlParams& params) override {
    return guarded([&] {
      bind(params);
      return static_cast<std::int64_t>(q_.exec());
    });
  }

  void query(const SqlParams& params, const std::function<void(const SqlRow&)>& each) override {
    guarded([&] {
      bind(params);
      SqliteRow row(q_);
      while (q_.executeStep()) each(row);
    });
  }

 private:
  void bind(const SqlParams& params) {
    q_.reset();
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      if (const auto* number = std::get_if<std::int64_t>(&params[i])) {
        q_.bind(index, *number);
      } else if (const auto* text = std::get_if<std::string>(&params[i])) {
        q_.bind(index, *text);
      } else {
        // A null pointer would bind NULL: a record recovered from a CRL has no DER, but is no NULL.
        static const std::uint8_t kNone = 0;
        const Bytes& bytes = std::get<Bytes>(params[i]);
        q_.bind(index, bytes.empty() ? &kNone : bytes.data(), static_cast<int>(bytes.size()));
      }
    }
  }

  SQLite::Statement q_;
};

// SQLite follows symbolic links: a link at the ledger's path (or its -wal / -shm file) would have
// the records written into whatever file it points to, with that file's mode.
void refuse_symlinks(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    std::string p = path + suffix;
    if (std::filesystem::is_symlink(std::filesystem::symlink_status(p, ec)))
      throw Error(ErrorCode::InvalidInput,
                  "ledger '" + p + "' is a symbolic link; give the ledger file itself");
  }
}

// Creates the file 0600 (and its directory 0700) before SQLite does, so the umask never decides
// who may read the ledger; SQLite gives its -wal and -shm files the same mode.
void create_private_file(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) make_directories(parent.string(), 0700);
  int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) ::close(fd);
}

class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(const std::string& path) : path_(path), db_(open(path)) {}

  const SqlDialect& dialect() const override { return kDialect; }
  std::string location() const override { return path_; }

  void start_session() override {
    guarded([&] {
      db_.exec(kPragmas);
      SQLite::Statement wal(db_, kWal);
      wal.executeStep();
    });
  }

  // A read needs no transaction: each of the ledger's reads is one statement.
  void begin(SqlTransactionKind kind) override {
    if (kind == SqlTransactionKind::Read) return;
    guarded([&] { db_.exec("BEGIN IMMEDIATE"); });
    in_transaction_ = true;
  }

  void commit() override {
    if (!in_transaction_) return;
    guarded([&] { db_.exec("COMMIT"); });
    in_transaction_ = false;
  }

  void rollback() noexcept override {
    if (in_transaction_) db_.tryExec("ROLLBACK");  // fails only when SQLite already rolled back
    in_transaction_ = false;
  }

  void execute_script(const std::string& sql) override {
    guarded([&] { db_.exec(sql); });
  }

  std::unique_ptr<SqlStatement> prepare(const std::string& sql) override {
    return std::make_unique<SqliteStatement>(db_, sql);
  }

 private:
  static SQLite::Database open(const std::string& path) {
    refuse_symlinks(path);
    create_private_file(path);
    refuse_symlinks(path);  // one created between the check and the create
    try {
      return SQLite::Database(
          path, SQLite::OPEN_READWRITE | SQLite::OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW,
          kBusyTimeoutMs);
    } catch (const SQLite::Exception& e) {
      throw Error(ErrorCode::InvalidInput, "cannot open ledger '" + path + "'", e.what());
    }
  }

  std::string path_;
  SQLite::Database db_;
  bool in_transaction_ = false;
};

}  // namespace

std::unique_ptr<SqlConnection> open_sqlite_connection(const std::string& path) {
  return std::make_unique<SqliteConnection>(path);
}

std::unique_ptr<Ledger> open_sqlite_ledger(const std::string& path) {
  return open_sql_ledger(open_sqlite_connection(path));
}

}  // namespace kpki::ledger
