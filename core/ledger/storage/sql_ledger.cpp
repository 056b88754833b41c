// The ledger over a SqlConnection, for every storage. Each operation is one transaction of the
// kind it needs (the driver says how it locks), run again from the start when the database
// reports a conflict with another process (SQLite's lock held beyond its busy timeout,
// PostgreSQL's serialization failure), so concurrent signers wait for each other instead of
// failing. One connection serves one thread at a time.
#include "core/ledger/storage/sql_ledger.h"

#include <unistd.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <random>
#include <thread>

#include "core/ledger/ledger_records.h"
#include "core/ledger/storage/sql_statements.h"
#include "core/util/error.h"

namespace kpki::ledger {

namespace {

using Kind = SqlTransactionKind;

// A row of SqlStatements::list, by_serial and incomplete.
IssuanceRecord read_record(const SqlRow& row) {
  IssuanceRecord r;
  r.serial = row.text(0);
  r.subject = row.text(1);
  r.sans = decode_list(row.text(2));
  r.issuer = row.text(3);
  r.issuer_key_id = row.text(4);
  r.not_before = from_unix(row.integer(5));
  r.not_after = from_unix(row.integer(6));
  r.profile = row.text(7);
  r.sha256 = row.text(8);
  r.der = row.blob(9);
  r.ca_key_uri = row.text(10);
  r.backend = row.text(11);
  r.issued_at = from_unix(row.integer(12));
  r.host = row.text(13);
  r.user = row.text(14);
  r.command = row.text(15);
  r.pid = row.integer(16);
  r.destinations = decode_list(row.text(17));
  r.state = parse_state(row.text(18));
  if (!row.is_null(19))
    r.revocation = Revocation{from_unix(row.integer(19)), reason_from_code(row.integer(20))};
  return r;
}

// Rolls back what did not commit: the body threw, or the commit itself failed.
class Transaction {
 public:
  Transaction(SqlConnection& db, Kind kind) : db_(db) { db_.begin(kind); }
  ~Transaction() {
    if (!committed_) db_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.commit();
    committed_ = true;
  }

 private:
  SqlConnection& db_;
  bool committed_ = false;
};

class SqlLedger final : public Ledger {
 public:
  explicit SqlLedger(std::unique_ptr<SqlConnection> db)
      : db_(std::move(db)), sql_(sql_statements(db_->dialect())), location_(db_->location()) {
    attempt("open", [&] { db_->start_session(); });
    migrate();
    transact(Kind::Read, "read its identity", [&] {
      db_->prepare(sql_.identity)->query({}, [&](const SqlRow& row) { identity_ = row.text(0); });
    });
  }

  void record(std::span<const IssuanceRecord> records) override {
    if (records.empty()) return;
    transact(Kind::Write, "store records", [&] {
      auto insert = db_->prepare(sql_.insert);
      for (const IssuanceRecord& r : records) {
        try {
          insert->execute({r.serial, r.subject, encode_list(r.sans), r.issuer, r.issuer_key_id,
                           to_unix(r.not_before), to_unix(r.not_after), r.profile, r.sha256, r.der,
                           r.ca_key_uri, r.backend, to_unix(r.issued_at), r.host, r.user, r.command,
                           r.pid, encode_list(r.destinations)});
        } catch (const SqlFailure& e) {
          if (e.kind() != SqlFailure::Kind::Duplicate) throw;
          throw Error(ErrorCode::AlreadyExists, "ledger '" + location_ + "': issuer " +
                                                    r.issuer_key_id + " already has serial " +
                                                    r.serial);
        }
      }
    });
  }

  void mark_released(std::span<const RecordKey> keys) override {
    if (keys.empty()) return;
    transact(Kind::Write, "mark records released", [&] {
      auto release = db_->prepare(sql_.release);
      for (const RecordKey& k : keys) release->execute({k.issuer_key_id, k.serial});
    });
  }

  bool settle(const RecordKey& key, RecordState state) override {
    bool changed = false;
    transact(Kind::Write, "settle a record", [&] {
      changed = db_->prepare(sql_.settle)
                    ->execute({std::string(state_name(state)), key.issuer_key_id, key.serial}) > 0;
      bool exists = changed;
      if (!changed)
        db_->prepare(sql_.exists)->query({key.issuer_key_id, key.serial}, [&](const SqlRow&) {
          exists = true;
        });
      if (!exists) throw not_found(key.serial);
    });
    return changed;
  }

  std::vector<IssuanceRecord> list(const RecordQuery& query) const override {
    std::int64_t until = query.expiring_within ? to_unix(query.now + *query.expiring_within)
                                               : std::numeric_limits<std::int64_t>::max();
    return select("list records", sql_.list, {until}, &query);
  }

  std::vector<IssuanceRecord> find_serial(std::string_view serial) const override {
    return select("read records", sql_.by_serial, {std::string(serial)});
  }

  std::vector<IssuanceRecord> incomplete() const override {
    return select("read records", sql_.incomplete, {});
  }

  void revoke(const RecordKey& key, RevocationReason reason, TimePoint time) override {
    transact(Kind::Write, "revoke", [&] {
      bool found = false, revoked = false;
      db_->prepare(sql_.revoked_at)->query({key.issuer_key_id, key.serial}, [&](const SqlRow& row) {
        found = true;
        revoked = !row.is_null(0);
      });
      if (!found) throw not_found(key.serial);
      if (revoked)
        throw Error(ErrorCode::AlreadyExists,
                    "ledger '" + location_ + "': serial " + key.serial + " is already revoked");
      db_->prepare(sql_.revoke)
          ->execute({to_unix(time), std::int64_t{static_cast<int>(reason)}, key.issuer_key_id,
                     key.serial});
    });
  }

  std::vector<RevokedEntry> revoked(std::string_view issuer_key_id) const override {
    std::vector<RevokedEntry> out;
    transact(Kind::Read, "list revoked certificates", [&] {
      out.clear();
      db_->prepare(sql_.revoked)->query({std::string(issuer_key_id)}, [&](const SqlRow& row) {
        out.push_back({row.text(0), from_unix(row.integer(1)), reason_from_code(row.integer(2))});
      });
    });
    return out;
  }

  std::uint64_t next_crl_number(std::string_view issuer_key_id, std::uint64_t at_least) override {
    std::uint64_t number = 0;
    auto floor = static_cast<std::int64_t>(std::max<std::uint64_t>(at_least, 1));
    transact(Kind::Write, "take a CRL number", [&] {
      db_->prepare(sql_.next_crl_number)
          ->query({std::string(issuer_key_id), floor},
                  [&](const SqlRow& row) { number = static_cast<std::uint64_t>(row.integer(0)); });
    });
    return number;
  }

  std::string location() const override { return location_; }

  std::string identity() const override { return identity_; }

 private:
  Error not_found(const std::string& serial) const {
    return Error(ErrorCode::NotFound,
                 "ledger '" + location_ + "': no certificate with serial " + serial);
  }

  void migrate() {
    transact(Kind::Schema, "migrate its schema", [&] {
      db_->execute_script(sql_.version_table);
      const auto known = static_cast<std::int64_t>(sql_.migrations.size());
      std::int64_t version = 0;
      db_->prepare(sql_.version)->query({}, [&](const SqlRow& row) { version = row.integer(0); });
      if (version > known)
        throw Error(ErrorCode::Unsupported, "ledger '" + location_ + "' has schema version " +
                                                std::to_string(version) + "; this kpki knows " +
                                                std::to_string(known));
      for (std::int64_t v = version + 1; v <= known; ++v) {
        db_->execute_script(sql_.migrations[static_cast<size_t>(v - 1)]);
        db_->prepare(sql_.set_version)->execute({v});
      }
    });
  }

  // The records `statement` selects with `params`, those `filter` matches when it is given.
  std::vector<IssuanceRecord> select(const char* what, const std::string& statement,
                                     const SqlParams& params,
                                     const RecordQuery* filter = nullptr) const {
    std::vector<IssuanceRecord> out;
    transact(Kind::Read, what, [&] {
      out.clear();
      db_->prepare(statement)->query(params, [&](const SqlRow& row) {
        IssuanceRecord r = read_record(row);
        if (!filter || matches(*filter, r)) out.push_back(std::move(r));
      });
    });
    return out;
  }

  void transact(Kind kind, const char* what, const std::function<void()>& body) const {
    attempt(what, [&] {
      Transaction tx(*db_, kind);
      body();
      tx.commit();
    });
  }

  // Runs `body` again while the database reports a conflict, up to the driver's attempts, after
  // a random wait so that processes retrying together drift apart.
  void attempt(const char* what, const std::function<void()>& body) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const SqlDialect& dialect = db_->dialect();
    std::minstd_rand jitter(static_cast<unsigned>(::getpid()) ^
                            static_cast<unsigned>(std::hash<const void*>()(this)));
    const auto spread = static_cast<unsigned>(std::max<std::int64_t>(dialect.jitter.count(), 1));
    for (int attempt = 1;; ++attempt) {
      try {
        body();
        return;
      } catch (const SqlFailure& e) {
        if (e.kind() == SqlFailure::Kind::Conflict && attempt < dialect.attempts) {
          std::this_thread::sleep_for(dialect.backoff +
                                      std::chrono::milliseconds(jitter() % spread));
          continue;
        }
        throw Error(ErrorCode::DeviceError, "ledger '" + location_ + "': cannot " + what, e.what());
      } catch (const Error&) {
        throw;
      } catch (const std::exception& e) {
        throw Error(ErrorCode::DeviceError, "ledger '" + location_ + "': cannot " + what, e.what());
      }
    }
  }

  std::unique_ptr<SqlConnection> db_;
  SqlStatements sql_;
  std::string location_;
  std::string identity_;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Ledger> open_sql_ledger(std::unique_ptr<SqlConnection> connection) {
  return std::make_unique<SqlLedger>(std::move(connection));
}

}  // namespace kpki::ledger
