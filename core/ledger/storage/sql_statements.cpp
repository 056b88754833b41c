// All of the ledger's SQL, for every storage. Times are Unix seconds; SANs and destinations JSON
// arrays (docs/ledger.md, "Schema"). Placeholders are $1, $2...; {tokens} are the words each
// dialect spells its own way (SqlDialect).
#include "core/ledger/storage/sql_statements.h"

#include <stdexcept>
#include <string_view>

namespace kpki::ledger {

namespace {

// Migration N (1-based) brings the schema from version N-1 to N; never edit a released one (each
// dialect must still spell it as it did: the tokens keep every released schema as it was).
constexpr const char* kMigrations[] = {
    R"(CREATE TABLE certificates (
         id {id},
         issuer_key_id TEXT NOT NULL,
         serial TEXT NOT NULL,
         subject TEXT NOT NULL,
         sans TEXT NOT NULL,
         issuer TEXT NOT NULL,
         not_before {int64} NOT NULL,
         not_after {int64} NOT NULL,
         profile TEXT NOT NULL,
         sha256 TEXT NOT NULL,
         der {blob} NOT NULL,
         ca_key_uri TEXT NOT NULL,
         backend TEXT NOT NULL,
         issued_at {int64} NOT NULL,
         host TEXT NOT NULL,
         user_name TEXT NOT NULL,
         command TEXT NOT NULL,
         pid {int64} NOT NULL,
         destinations TEXT NOT NULL,
         state TEXT NOT NULL CHECK (state IN ('incomplete', 'released', 'abandoned')),
         revoked_at {int64},
         revocation_reason INTEGER,
         UNIQUE (issuer_key_id, serial));
       CREATE INDEX certificates_serial ON certificates (serial);
       CREATE INDEX certificates_not_after ON certificates (not_after);
       CREATE INDEX certificates_state ON certificates (state);
       CREATE TABLE crl_numbers (
         issuer_key_id TEXT PRIMARY KEY,
         last_number {int64} NOT NULL);)",
    // 2: the ledger's identity (Ledger::identity), drawn once when the ledger is created.
    R"(CREATE TABLE ledger_identity (id TEXT NOT NULL);
       INSERT INTO ledger_identity (id) VALUES ({random_id});)",
    // 3: a release is a row of its own. Setting `state` rewrote every record of a run (DER and
    // all): releasing a 1,000-node tree's records wrote its whole ledger again. A record is
    // released when `releases` holds its id, or (released before version 3) when its state says so.
    // No REFERENCES: the only insert takes the id from `certificates` itself, no record is ever
    // deleted, and checking the key read every record of the run back (SQLite reads the parent).
    R"(CREATE TABLE releases (certificate_id {int64} PRIMARY KEY);)",
};

constexpr const char* kInsert =
    "INSERT INTO certificates (serial, subject, sans, issuer, issuer_key_id, not_before, "
    "not_after, profile, sha256, der, ca_key_uri, backend, issued_at, host, user_name, command, "
    "pid, destinations, state, revoked_at, revocation_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 'incomplete', NULL, NULL)";
// A record as read_record reads it, its state the one `releases` gives (migration 3).
#define KPKI_LEDGER_RECORDS                                                                    \
  "SELECT c.serial, c.subject, c.sans, c.issuer, c.issuer_key_id, c.not_before, c.not_after, " \
  "c.profile, c.sha256, c.der, c.ca_key_uri, c.backend, c.issued_at, c.host, c.user_name, "    \
  "c.command, c.pid, c.destinations, "                                                         \
  "CASE WHEN r.certificate_id IS NULL THEN c.state ELSE 'released' END, c.revoked_at, "        \
  "c.revocation_reason FROM certificates c LEFT JOIN releases r ON r.certificate_id = c.id "
constexpr const char* kList =
    KPKI_LEDGER_RECORDS "WHERE c.not_after <= $1 ORDER BY c.issued_at, c.id";
constexpr const char* kBySerial =
    KPKI_LEDGER_RECORDS "WHERE c.serial = $1 ORDER BY c.issued_at, c.id";
constexpr const char* kIncomplete =
    KPKI_LEDGER_RECORDS "WHERE c.state = 'incomplete' AND r.certificate_id IS NULL ORDER BY c.id";
#undef KPKI_LEDGER_RECORDS

// {name} -> its spelling in `dialect`; text without braces is kept as it is.
std::string spell(std::string_view sql, const SqlDialect& dialect) {
  std::string out;
  while (!sql.empty()) {
    size_t open = sql.find('{');
    out += sql.substr(0, open);
    if (open == std::string_view::npos) break;
    size_t close = sql.find('}', open);
    if (close == std::string_view::npos) throw std::logic_error("ledger SQL: an unclosed {");
    std::string_view token = sql.substr(open + 1, close - open - 1);
    if (token == "id")
      out += dialect.id_column;
    else if (token == "int64")
      out += dialect.int64;
    else if (token == "blob")
      out += dialect.blob;
    else if (token == "random_id")
      out += dialect.random_id;
    else if (token == "for_update")
      out += dialect.for_update;
    else
      throw std::logic_error("ledger SQL: unknown token {" + std::string(token) + "}");
    sql.remove_prefix(close + 1);
  }
  return out;
}

}  // namespace

SqlStatements sql_statements(const SqlDialect& d) {
  SqlStatements s;
  for (const char* migration : kMigrations) s.migrations.push_back(spell(migration, d));
  s.version_table = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";
  s.version = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
  s.set_version = "INSERT INTO schema_version (version) VALUES ($1)";
  s.insert = kInsert;
  // One small row, found in the (issuer_key_id, serial) index alone: the record itself is neither
  // read nor written again (a record released before version 3 gets the row too, to no effect).
  s.release =
      "INSERT INTO releases (certificate_id) SELECT id FROM certificates "
      "WHERE issuer_key_id = $1 AND serial = $2 ON CONFLICT (certificate_id) DO NOTHING";
  s.settle =
      "UPDATE certificates SET state = $1 WHERE issuer_key_id = $2 AND serial = $3 "
      "AND state = 'incomplete' "
      "AND NOT EXISTS (SELECT 1 FROM releases WHERE certificate_id = certificates.id)";
  s.exists = "SELECT 1 FROM certificates WHERE issuer_key_id = $1 AND serial = $2";
  s.list = kList;
  s.by_serial = kBySerial;
  s.incomplete = kIncomplete;
  s.revoked_at = spell(
      "SELECT revoked_at FROM certificates WHERE issuer_key_id = $1 AND serial = $2{for_update}",
      d);
  s.revoke =
      "UPDATE certificates SET revoked_at = $1, revocation_reason = $2 "
      "WHERE issuer_key_id = $3 AND serial = $4";
  s.revoked =
      "SELECT serial, revoked_at, revocation_reason FROM certificates "
      "WHERE issuer_key_id = $1 AND revoked_at IS NOT NULL ORDER BY serial";
  // Never below the floor given ($2), and always past the last number handed out.
  s.next_crl_number =
      "INSERT INTO crl_numbers (issuer_key_id, last_number) VALUES ($1, $2) "
      "ON CONFLICT (issuer_key_id) DO UPDATE SET last_number = CASE "
      "WHEN crl_numbers.last_number + 1 > excluded.last_number "
      "THEN crl_numbers.last_number + 1 ELSE excluded.last_number END "
      "RETURNING last_number";
  s.identity = "SELECT id FROM ledger_identity";
  return s;
}

}  // namespace kpki::ledger
