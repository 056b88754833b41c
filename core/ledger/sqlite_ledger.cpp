// The ledger in one SQLite file (the default): WAL so readers never block the writer, a busy
// timeout plus a retry loop so concurrent kpki processes wait for each other instead of failing
// with "database is locked", and BEGIN IMMEDIATE for every write so the lock is taken up front
// (a deferred transaction that upgrades to a write cannot wait for the lock in WAL mode).
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <random>
#include <thread>

#include "core/fs/file_io.h"
#include "core/ledger/ledger_storage.h"
#include "core/util/error.h"

namespace kpki::ledger {

namespace {

// All of this storage's SQL. Times are Unix seconds; SANs and destinations JSON arrays.
namespace sql {

// Migration N (1-based) brings the schema from version N-1 to N; never edit a released one.
constexpr const char* kMigrations[] = {
    R"(CREATE TABLE certificates (
         id INTEGER PRIMARY KEY,
         issuer_key_id TEXT NOT NULL,
         serial TEXT NOT NULL,
         subject TEXT NOT NULL,
         sans TEXT NOT NULL,
         issuer TEXT NOT NULL,
         not_before INTEGER NOT NULL,
         not_after INTEGER NOT NULL,
         profile TEXT NOT NULL,
         sha256 TEXT NOT NULL,
         der BLOB NOT NULL,
         ca_key_uri TEXT NOT NULL,
         backend TEXT NOT NULL,
         issued_at INTEGER NOT NULL,
         host TEXT NOT NULL,
         user_name TEXT NOT NULL,
         command TEXT NOT NULL,
         pid INTEGER NOT NULL,
         destinations TEXT NOT NULL,
         state TEXT NOT NULL CHECK (state IN ('incomplete', 'released', 'abandoned')),
         revoked_at INTEGER,
         revocation_reason INTEGER,
         UNIQUE (issuer_key_id, serial));
       CREATE INDEX certificates_serial ON certificates (serial);
       CREATE INDEX certificates_not_after ON certificates (not_after);
       CREATE INDEX certificates_state ON certificates (state);
       CREATE TABLE crl_numbers (
         issuer_key_id TEXT PRIMARY KEY,
         last_number INTEGER NOT NULL);)",
    // 2: the ledger's identity (Ledger::identity), drawn once when the ledger is created.
    R"(CREATE TABLE ledger_identity (id TEXT NOT NULL);
       INSERT INTO ledger_identity (id) VALUES (lower(hex(randomblob(16))));)",
};

// A small page cache: the ledger is appended to and read in scans, and init runs in < 30 MB.
constexpr const char* kPragmas =
    "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -256;";
constexpr const char* kWal = "PRAGMA journal_mode = WAL";
constexpr const char* kVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";
constexpr const char* kVersion = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
constexpr const char* kSetVersion = "INSERT INTO schema_version (version) VALUES (?)";

#define KPKI_LEDGER_COLUMNS                                                                     \
  "serial, subject, sans, issuer, issuer_key_id, not_before, not_after, profile, sha256, der, " \
  "ca_key_uri, backend, issued_at, host, user_name, command, pid, destinations, state, "        \
  "revoked_at, revocation_reason"
constexpr const char* kInsert =
    "INSERT INTO certificates (" KPKI_LEDGER_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'incomplete', NULL, NULL)";
constexpr const char* kRelease =
    "UPDATE certificates SET state = 'released' WHERE issuer_key_id = ? AND serial = ? "
    "AND state <> 'released'";
constexpr const char* kSettle =
    "UPDATE certificates SET state = ? WHERE issuer_key_id = ? AND serial = ? "
    "AND state = 'incomplete'";
constexpr const char* kExists = "SELECT 1 FROM certificates WHERE issuer_key_id = ? AND serial = ?";
constexpr const char* kList =
    "SELECT " KPKI_LEDGER_COLUMNS " FROM certificates WHERE not_after <= ? ORDER BY issued_at, id";
constexpr const char* kBySerial =
    "SELECT " KPKI_LEDGER_COLUMNS " FROM certificates WHERE serial = ? ORDER BY issued_at, id";
constexpr const char* kIncomplete =
    "SELECT " KPKI_LEDGER_COLUMNS " FROM certificates WHERE state = 'incomplete' ORDER BY id";
constexpr const char* kRevokedAt =
    "SELECT revoked_at FROM certificates WHERE issuer_key_id = ? AND serial = ?";
constexpr const char* kRevoke =
    "UPDATE certificates SET revoked_at = ?, revocation_reason = ? "
    "WHERE issuer_key_id = ? AND serial = ?";
constexpr const char* kRevoked =
    "SELECT serial, revoked_at, revocation_reason FROM certificates "
    "WHERE issuer_key_id = ? AND revoked_at IS NOT NULL ORDER BY serial";
constexpr const char* kNextCrlNumber =
    "INSERT INTO crl_numbers (issuer_key_id, last_number) VALUES (?, ?) "
    "ON CONFLICT (issuer_key_id) DO UPDATE "
    "SET last_number = MAX(last_number + 1, excluded.last_number) RETURNING last_number";
constexpr const char* kIdentity = "SELECT id FROM ledger_identity";
#undef KPKI_LEDGER_COLUMNS

}  // namespace sql

constexpr int kBusyTimeoutMs = 10000;
constexpr int kBusyRetries = 50;

bool is_busy(const SQLite::Exception& e) {
  int code = e.getErrorCode() & 0xff;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

IssuanceRecord read_row(SQLite::Statement& q) {
  IssuanceRecord r;
  r.serial = q.getColumn(0).getString();
  r.subject = q.getColumn(1).getString();
  r.sans = decode_list(q.getColumn(2).getString());
  r.issuer = q.getColumn(3).getString();
  r.issuer_key_id = q.getColumn(4).getString();
  r.not_before = from_unix(q.getColumn(5).getInt64());
  r.not_after = from_unix(q.getColumn(6).getInt64());
  r.profile = q.getColumn(7).getString();
  r.sha256 = q.getColumn(8).getString();
  const auto* der = static_cast<const std::uint8_t*>(q.getColumn(9).getBlob());
  r.der.assign(der, der + q.getColumn(9).getBytes());
  r.ca_key_uri = q.getColumn(10).getString();
  r.backend = q.getColumn(11).getString();
  r.issued_at = from_unix(q.getColumn(12).getInt64());
  r.host = q.getColumn(13).getString();
  r.user = q.getColumn(14).getString();
  r.command = q.getColumn(15).getString();
  r.pid = q.getColumn(16).getInt64();
  r.destinations = decode_list(q.getColumn(17).getString());
  r.state = parse_state(q.getColumn(18).getString());
  if (!q.getColumn(19).isNull())
    r.revocation = Revocation{from_unix(q.getColumn(19).getInt64()),
                              reason_from_code(q.getColumn(20).getInt())};
  return r;
}

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

class SqliteLedger final : public Ledger {
 public:
  explicit SqliteLedger(const std::string& path) : path_(path), db_(open(path)) {
    retry("open", [&] {
      db_.exec(sql::kPragmas);
      SQLite::Statement wal(db_, sql::kWal);
      wal.executeStep();
    });
    migrate();
    read("read its identity", [&] { identity_ = db_.execAndGet(sql::kIdentity).getString(); });
  }

  void record(std::span<const IssuanceRecord> records) override {
    if (records.empty()) return;
    write("store records", [&] {
      SQLite::Statement q(db_, sql::kInsert);
      for (const IssuanceRecord& r : records) {
        bind_record(q, r);
        try {
          q.exec();
        } catch (const SQLite::Exception& e) {
          if ((e.getErrorCode() & 0xff) != SQLITE_CONSTRAINT) throw;
          throw Error(ErrorCode::AlreadyExists, "ledger '" + path_ + "': issuer " +
                                                    r.issuer_key_id + " already has serial " +
                                                    r.serial);
        }
        q.reset();
      }
    });
  }

  void mark_released(std::span<const RecordKey> keys) override {
    if (keys.empty()) return;
    write("mark records released", [&] {
      SQLite::Statement q(db_, sql::kRelease);
      for (const RecordKey& k : keys) {
        q.bind(1, k.issuer_key_id);
        q.bind(2, k.serial);
        q.exec();
        q.reset();
      }
    });
  }

  bool settle(const RecordKey& key, RecordState state) override {
    bool changed = false;
    write("settle a record", [&] {
      SQLite::Statement q(db_, sql::kSettle);
      q.bind(1, std::string(state_name(state)));
      q.bind(2, key.issuer_key_id);
      q.bind(3, key.serial);
      changed = q.exec() > 0;
      if (changed) return;
      SQLite::Statement exists(db_, sql::kExists);
      exists.bind(1, key.issuer_key_id);
      exists.bind(2, key.serial);
      if (!exists.executeStep()) throw not_found(key.serial);
    });
    return changed;
  }

  std::vector<IssuanceRecord> list(const RecordQuery& query) const override {
    std::int64_t until = query.expiring_within ? to_unix(query.now + *query.expiring_within)
                                               : std::numeric_limits<std::int64_t>::max();
    std::vector<IssuanceRecord> out;
    read("list records", [&] {
      out.clear();
      SQLite::Statement q(db_, sql::kList);
      q.bind(1, static_cast<int64_t>(until));
      while (q.executeStep()) {
        IssuanceRecord r = read_row(q);
        if (matches(query, r)) out.push_back(std::move(r));
      }
    });
    return out;
  }

  std::vector<IssuanceRecord> find_serial(std::string_view serial) const override {
    return select(sql::kBySerial, std::string(serial));
  }

  std::vector<IssuanceRecord> incomplete() const override { return select(sql::kIncomplete, {}); }

  void revoke(const RecordKey& key, RevocationReason reason, TimePoint time) override {
    write("revoke", [&] {
      SQLite::Statement check(db_, sql::kRevokedAt);
      check.bind(1, key.issuer_key_id);
      check.bind(2, key.serial);
      if (!check.executeStep()) throw not_found(key.serial);
      if (!check.getColumn(0).isNull())
        throw Error(ErrorCode::AlreadyExists,
                    "ledger '" + path_ + "': serial " + key.serial + " is already revoked");
      SQLite::Statement q(db_, sql::kRevoke);
      q.bind(1, static_cast<int64_t>(to_unix(time)));
      q.bind(2, static_cast<int>(reason));
      q.bind(3, key.issuer_key_id);
      q.bind(4, key.serial);
      q.exec();
    });
  }

  std::vector<RevokedEntry> revoked(std::string_view issuer_key_id) const override {
    std::vector<RevokedEntry> out;
    read("list revoked certificates", [&] {
      out.clear();
      SQLite::Statement q(db_, sql::kRevoked);
      q.bind(1, std::string(issuer_key_id));
      while (q.executeStep())
        out.push_back({q.getColumn(0).getString(), from_unix(q.getColumn(1).getInt64()),
                       reason_from_code(q.getColumn(2).getInt())});
    });
    return out;
  }

  std::uint64_t next_crl_number(std::string_view issuer_key_id, std::uint64_t at_least) override {
    std::uint64_t number = 0;
    write("take a CRL number", [&] {
      SQLite::Statement q(db_, sql::kNextCrlNumber);
      q.bind(1, std::string(issuer_key_id));
      q.bind(2, static_cast<int64_t>(std::max<std::uint64_t>(at_least, 1)));
      q.executeStep();
      number = static_cast<std::uint64_t>(q.getColumn(0).getInt64());
    });
    return number;
  }

  std::string location() const override { return path_; }

  std::string identity() const override { return identity_; }

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

  Error not_found(const std::string& serial) const {
    return Error(ErrorCode::NotFound,
                 "ledger '" + path_ + "': no certificate with serial " + serial);
  }

  void migrate() {
    write("migrate its schema", [&] {
      db_.exec(sql::kVersionTable);
      const int known = static_cast<int>(std::size(sql::kMigrations));
      int version = db_.execAndGet(sql::kVersion).getInt();
      if (version > known)
        throw Error(ErrorCode::Unsupported, "ledger '" + path_ + "' has schema version " +
                                                std::to_string(version) + "; this kpki knows " +
                                                std::to_string(known));
      for (int v = version + 1; v <= known; ++v) {
        db_.exec(sql::kMigrations[v - 1]);
        SQLite::Statement q(db_, sql::kSetVersion);
        q.bind(1, v);
        q.exec();
      }
    });
  }

  void bind_record(SQLite::Statement& q, const IssuanceRecord& r) {
    q.bind(1, r.serial);
    q.bind(2, r.subject);
    q.bind(3, encode_list(r.sans));
    q.bind(4, r.issuer);
    q.bind(5, r.issuer_key_id);
    q.bind(6, static_cast<int64_t>(to_unix(r.not_before)));
    q.bind(7, static_cast<int64_t>(to_unix(r.not_after)));
    q.bind(8, r.profile);
    q.bind(9, r.sha256);
    // A null pointer would bind NULL: a record recovered from a CRL has no DER, but is no NULL.
    static const std::uint8_t kNone = 0;
    q.bind(10, r.der.empty() ? &kNone : r.der.data(), static_cast<int>(r.der.size()));
    q.bind(11, r.ca_key_uri);
    q.bind(12, r.backend);
    q.bind(13, static_cast<int64_t>(to_unix(r.issued_at)));
    q.bind(14, r.host);
    q.bind(15, r.user);
    q.bind(16, r.command);
    q.bind(17, static_cast<int64_t>(r.pid));
    q.bind(18, encode_list(r.destinations));
  }

  std::vector<IssuanceRecord> select(const char* statement, const std::string& arg) const {
    std::vector<IssuanceRecord> out;
    read("read records", [&] {
      out.clear();
      SQLite::Statement q(db_, statement);
      if (!arg.empty()) q.bind(1, arg);
      while (q.executeStep()) out.push_back(read_row(q));
    });
    return out;
  }

  // One write transaction, taken with BEGIN IMMEDIATE, retried whole when another process holds
  // the lock beyond the busy timeout.
  void write(const char* what, const std::function<void()>& body) {
    retry(what, [&] {
      SQLite::Transaction t(db_, SQLite::TransactionBehavior::IMMEDIATE);
      body();
      t.commit();
    });
  }

  void read(const char* what, const std::function<void()>& body) const { retry(what, body); }

  void retry(const char* what, const std::function<void()>& body) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::minstd_rand jitter(static_cast<unsigned>(::getpid()));
    for (int attempt = 1;; ++attempt) {
      try {
        body();
        return;
      } catch (const SQLite::Exception& e) {
        if (is_busy(e) && attempt < kBusyRetries) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10 + jitter() % 90));
          continue;
        }
        throw Error(ErrorCode::DeviceError, "ledger '" + path_ + "': cannot " + what, e.what());
      }
    }
  }

  std::string path_;
  mutable SQLite::Database db_;
  std::string identity_;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Ledger> open_sqlite_ledger(const std::string& path) {
  return std::make_unique<SqliteLedger>(path);
}

}  // namespace kpki::ledger
