// The ledger in PostgreSQL, for several signers (hosts or processes) that issue for one CA:
// SERIALIZABLE transactions retried on serialization failures, UNIQUE (issuer, serial) so no two
// signers record one serial, and an atomic upsert for CRL numbers. Built as a module that kpki
// loads only for a postgresql:// ledger (postgresql_module.h), and only with KPKI_WITH_POSTGRESQL.
#include <pqxx/pqxx>

#include <chrono>
#include <functional>
#include <limits>
#include <mutex>
#include <random>
#include <thread>

#include "core/ledger/ledger_storage.h"
#include "core/ledger/postgresql/postgresql_module.h"
#include "core/util/error.h"

namespace kpki::ledger {

namespace {

// All of this storage's SQL. Times are Unix seconds; SANs and destinations JSON arrays.
namespace sql {

// Migration N (1-based) brings the schema from version N-1 to N; never edit a released one.
constexpr const char* kMigrations[] = {
    R"(CREATE TABLE certificates (
         id BIGSERIAL PRIMARY KEY,
         issuer_key_id TEXT NOT NULL,
         serial TEXT NOT NULL,
         subject TEXT NOT NULL,
         sans TEXT NOT NULL,
         issuer TEXT NOT NULL,
         not_before BIGINT NOT NULL,
         not_after BIGINT NOT NULL,
         profile TEXT NOT NULL,
         sha256 TEXT NOT NULL,
         der BYTEA NOT NULL,
         ca_key_uri TEXT NOT NULL,
         backend TEXT NOT NULL,
         issued_at BIGINT NOT NULL,
         host TEXT NOT NULL,
         user_name TEXT NOT NULL,
         command TEXT NOT NULL,
         pid BIGINT NOT NULL,
         destinations TEXT NOT NULL,
         state TEXT NOT NULL CHECK (state IN ('incomplete', 'released', 'abandoned')),
         revoked_at BIGINT,
         revocation_reason INTEGER,
         UNIQUE (issuer_key_id, serial));
       CREATE INDEX certificates_serial ON certificates (serial);
       CREATE INDEX certificates_not_after ON certificates (not_after);
       CREATE INDEX certificates_state ON certificates (state);
       CREATE TABLE crl_numbers (
         issuer_key_id TEXT PRIMARY KEY,
         last_number BIGINT NOT NULL);)",
    // 2: the ledger's identity (Ledger::identity), drawn once when the ledger is created.
    R"(CREATE TABLE ledger_identity (id TEXT NOT NULL);
       INSERT INTO ledger_identity (id)
         VALUES (md5(random()::text || clock_timestamp()::text || pg_backend_pid()::text));)",
};

// Serialises migrations between signers opening one database at once.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7410551)";
constexpr const char* kVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";
constexpr const char* kVersion = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
constexpr const char* kSetVersion = "INSERT INTO schema_version (version) VALUES ($1)";

#define KPKI_LEDGER_COLUMNS                                                                     \
  "serial, subject, sans, issuer, issuer_key_id, not_before, not_after, profile, sha256, der, " \
  "ca_key_uri, backend, issued_at, host, user_name, command, pid, destinations, state, "        \
  "revoked_at, revocation_reason"
constexpr const char* kInsert = "INSERT INTO certificates (" KPKI_LEDGER_COLUMNS
                                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                                "$13, $14, $15, $16, $17, $18, 'incomplete', NULL, NULL)";
constexpr const char* kRelease =
    "UPDATE certificates SET state = 'released' WHERE issuer_key_id = $1 AND serial = $2 "
    "AND state <> 'released'";
constexpr const char* kSettle =
    "UPDATE certificates SET state = $1 WHERE issuer_key_id = $2 AND serial = $3 "
    "AND state = 'incomplete'";
constexpr const char* kExists =
    "SELECT 1 FROM certificates WHERE issuer_key_id = $1 AND serial = $2";
constexpr const char* kList =
    "SELECT " KPKI_LEDGER_COLUMNS " FROM certificates WHERE not_after <= $1 ORDER BY issued_at, id";
constexpr const char* kBySerial =
    "SELECT " KPKI_LEDGER_COLUMNS " FROM certificates WHERE serial = $1 ORDER BY issued_at, id";
constexpr const char* kIncomplete =
    "SELECT " KPKI_LEDGER_COLUMNS " FROM certificates WHERE state = 'incomplete' ORDER BY id";
constexpr const char* kRevokedAt =
    "SELECT revoked_at FROM certificates WHERE issuer_key_id = $1 AND serial = $2 FOR UPDATE";
constexpr const char* kRevoke =
    "UPDATE certificates SET revoked_at = $1, revocation_reason = $2 "
    "WHERE issuer_key_id = $3 AND serial = $4";
constexpr const char* kRevoked =
    "SELECT serial, revoked_at, revocation_reason FROM certificates "
    "WHERE issuer_key_id = $1 AND revoked_at IS NOT NULL ORDER BY serial";
constexpr const char* kNextCrlNumber =
    "INSERT INTO crl_numbers (issuer_key_id, last_number) VALUES ($1, $2) "
    "ON CONFLICT (issuer_key_id) DO UPDATE "
    "SET last_number = GREATEST(crl_numbers.last_number + 1, EXCLUDED.last_number) "
    "RETURNING last_number";
constexpr const char* kIdentity = "SELECT id FROM ledger_identity";
#undef KPKI_LEDGER_COLUMNS

}  // namespace sql

constexpr int kRetries = 50;

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

IssuanceRecord read_row(const pqxx::row& row) {
  IssuanceRecord r;
  r.serial = row[0].as<std::string>();
  r.subject = row[1].as<std::string>();
  r.sans = decode_list(row[2].as<std::string>());
  r.issuer = row[3].as<std::string>();
  r.issuer_key_id = row[4].as<std::string>();
  r.not_before = from_unix(row[5].as<std::int64_t>());
  r.not_after = from_unix(row[6].as<std::int64_t>());
  r.profile = row[7].as<std::string>();
  r.sha256 = row[8].as<std::string>();
  pqxx::binarystring der(row[9]);
  r.der.assign(der.data(), der.data() + der.size());
  r.ca_key_uri = row[10].as<std::string>();
  r.backend = row[11].as<std::string>();
  r.issued_at = from_unix(row[12].as<std::int64_t>());
  r.host = row[13].as<std::string>();
  r.user = row[14].as<std::string>();
  r.command = row[15].as<std::string>();
  r.pid = row[16].as<std::int64_t>();
  r.destinations = decode_list(row[17].as<std::string>());
  r.state = parse_state(row[18].as<std::string>());
  if (!row[19].is_null())
    r.revocation =
        Revocation{from_unix(row[19].as<std::int64_t>()), reason_from_code(row[20].as<int>())};
  return r;
}

class PostgresqlLedger final : public Ledger {
 public:
  explicit PostgresqlLedger(const std::string& uri)
      : location_(redact_ledger_spec(uri)), connection_(connect(uri, location_)) {
    migrate();
    read("read its identity", [&](pqxx::dbtransaction& tx) {
      identity_ = tx.exec1(sql::kIdentity)[0].as<std::string>();
    });
  }

  void record(std::span<const IssuanceRecord> records) override {
    if (records.empty()) return;
    write("store records", [&](pqxx::dbtransaction& tx) {
      for (const IssuanceRecord& r : records) {
        try {
          tx.exec_params(sql::kInsert, r.serial, r.subject, encode_list(r.sans), r.issuer,
                         r.issuer_key_id, to_unix(r.not_before), to_unix(r.not_after), r.profile,
                         r.sha256, pqxx::binarystring(r.der.data(), r.der.size()), r.ca_key_uri,
                         r.backend, to_unix(r.issued_at), r.host, r.user, r.command, r.pid,
                         encode_list(r.destinations));
        } catch (const pqxx::unique_violation&) {
          throw Error(ErrorCode::AlreadyExists, "ledger '" + location_ + "': issuer " +
                                                    r.issuer_key_id + " already has serial " +
                                                    r.serial);
        }
      }
    });
  }

  void mark_released(std::span<const RecordKey> keys) override {
    if (keys.empty()) return;
    write("mark records released", [&](pqxx::dbtransaction& tx) {
      for (const RecordKey& k : keys) tx.exec_params(sql::kRelease, k.issuer_key_id, k.serial);
    });
  }

  bool settle(const RecordKey& key, RecordState state) override {
    bool changed = false;
    write("settle a record", [&](pqxx::dbtransaction& tx) {
      pqxx::result r = tx.exec_params(sql::kSettle, std::string(state_name(state)),
                                      key.issuer_key_id, key.serial);
      changed = r.affected_rows() > 0;
      if (!changed && tx.exec_params(sql::kExists, key.issuer_key_id, key.serial).empty())
        throw not_found(key.serial);
    });
    return changed;
  }

  std::vector<IssuanceRecord> list(const RecordQuery& query) const override {
    std::int64_t until = query.expiring_within ? to_unix(query.now + *query.expiring_within)
                                               : std::numeric_limits<std::int64_t>::max();
    std::vector<IssuanceRecord> out;
    read("list records", [&](pqxx::dbtransaction& tx) {
      out.clear();
      for (const pqxx::row& row : tx.exec_params(sql::kList, until)) {
        IssuanceRecord r = read_row(row);
        if (matches(query, r)) out.push_back(std::move(r));
      }
    });
    return out;
  }

  std::vector<IssuanceRecord> find_serial(std::string_view serial) const override {
    std::vector<IssuanceRecord> out;
    read("read records", [&](pqxx::dbtransaction& tx) {
      out.clear();
      for (const pqxx::row& row : tx.exec_params(sql::kBySerial, std::string(serial)))
        out.push_back(read_row(row));
    });
    return out;
  }

  std::vector<IssuanceRecord> incomplete() const override {
    std::vector<IssuanceRecord> out;
    read("read records", [&](pqxx::dbtransaction& tx) {
      out.clear();
      for (const pqxx::row& row : tx.exec(sql::kIncomplete)) out.push_back(read_row(row));
    });
    return out;
  }

  void revoke(const RecordKey& key, RevocationReason reason, TimePoint time) override {
    write("revoke", [&](pqxx::dbtransaction& tx) {
      pqxx::result check = tx.exec_params(sql::kRevokedAt, key.issuer_key_id, key.serial);
      if (check.empty()) throw not_found(key.serial);
      if (!check[0][0].is_null())
        throw Error(ErrorCode::AlreadyExists,
                    "ledger '" + location_ + "': serial " + key.serial + " is already revoked");
      tx.exec_params(sql::kRevoke, to_unix(time), static_cast<int>(reason), key.issuer_key_id,
                     key.serial);
    });
  }

  std::vector<RevokedEntry> revoked(std::string_view issuer_key_id) const override {
    std::vector<RevokedEntry> out;
    read("list revoked certificates", [&](pqxx::dbtransaction& tx) {
      out.clear();
      for (const pqxx::row& row : tx.exec_params(sql::kRevoked, std::string(issuer_key_id)))
        out.push_back({row[0].as<std::string>(), from_unix(row[1].as<std::int64_t>()),
                       reason_from_code(row[2].as<int>())});
    });
    return out;
  }

  std::uint64_t next_crl_number(std::string_view issuer_key_id, std::uint64_t at_least) override {
    std::uint64_t number = 0;
    write("take a CRL number", [&](pqxx::dbtransaction& tx) {
      auto floor = static_cast<std::int64_t>(std::max<std::uint64_t>(at_least, 1));
      pqxx::row row = tx.exec_params1(sql::kNextCrlNumber, std::string(issuer_key_id), floor);
      number = row[0].as<std::uint64_t>();
    });
    return number;
  }

  std::string location() const override { return location_; }

  std::string identity() const override { return identity_; }

 private:
  using Body = std::function<void(pqxx::dbtransaction&)>;

  static std::unique_ptr<pqxx::connection> connect(const std::string& uri,
                                                   const std::string& shown) {
    try {
      return std::make_unique<pqxx::connection>(uri);
    } catch (const std::exception& e) {
      throw Error(ErrorCode::DeviceError, "cannot connect to ledger '" + shown + "'",
                  one_line(redact_ledger_spec(e.what())));
    }
  }

  Error not_found(const std::string& serial) const {
    return Error(ErrorCode::NotFound,
                 "ledger '" + location_ + "': no certificate with serial " + serial);
  }

  // READ COMMITTED, not SERIALIZABLE: once the advisory lock is granted, the next statement must
  // see what the signer that held it committed (a serializable snapshot would predate it).
  void migrate() {
    run<pqxx::read_committed>("migrate its schema", [&](pqxx::dbtransaction& tx) {
      tx.exec(sql::kMigrationLock);
      tx.exec(sql::kVersionTable);
      const int known = static_cast<int>(std::size(sql::kMigrations));
      int version = tx.exec1(sql::kVersion)[0].as<int>();
      if (version > known)
        throw Error(ErrorCode::Unsupported, "ledger '" + location_ + "' has schema version " +
                                                std::to_string(version) + "; this kpki knows " +
                                                std::to_string(known));
      for (int v = version + 1; v <= known; ++v) {
        tx.exec(sql::kMigrations[v - 1]);
        tx.exec_params(sql::kSetVersion, v);
      }
    });
  }

  // One SERIALIZABLE transaction, run again from the start when PostgreSQL says another
  // signer's transaction conflicted with it.
  void write(const char* what, const Body& body) { run<pqxx::serializable>(what, body); }
  void read(const char* what, const Body& body) const { run<pqxx::serializable>(what, body); }

  template <pqxx::isolation_level Isolation>
  void run(const char* what, const Body& body) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::minstd_rand jitter(static_cast<unsigned>(std::hash<const void*>()(this)));
    for (int attempt = 1;; ++attempt) {
      try {
        pqxx::transaction<Isolation> tx(*connection_);
        body(tx);
        tx.commit();
        return;
      } catch (const pqxx::transaction_rollback& e) {  // serialization failure, deadlock
        if (attempt < kRetries) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5 + jitter() % 50));
          continue;
        }
        throw Error(ErrorCode::DeviceError, "ledger '" + location_ + "': cannot " + what,
                    one_line(e.what()));
      } catch (const Error&) {
        throw;
      } catch (const std::exception& e) {
        throw Error(ErrorCode::DeviceError, "ledger '" + location_ + "': cannot " + what,
                    one_line(e.what()));
      }
    }
  }

  std::string location_;
  std::unique_ptr<pqxx::connection> connection_;
  std::string identity_;
  mutable std::mutex mutex_;
};

}  // namespace
}  // namespace kpki::ledger

// The module's two entry points (postgresql_module.h); everything else in it is hidden.
extern "C" __attribute__((visibility("default"))) const char* kpki_ledger_postgresql_version() {
  return KPKI_VERSION;
}

extern "C" __attribute__((visibility("default"))) kpki::ledger::Ledger* kpki_ledger_postgresql_open(
    const char* uri) {
  return new kpki::ledger::PostgresqlLedger(uri);
}
