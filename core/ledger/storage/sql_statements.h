#pragma once
// The SQL ledger's schema and statements (sql_statements.cpp), written once for every storage
// and spelled for one dialect when a ledger opens.
#include <string>
#include <vector>

#include "core/ledger/storage/sql_connection.h"

namespace kpki::ledger {

struct SqlStatements {
  // Migration N (1-based) brings the schema from version N-1 to N.
  std::vector<std::string> migrations;
  std::string version_table, version, set_version;
  std::string insert, release, settle, exists;
  std::string list, by_serial, incomplete;  // rows as read_record (sql_ledger.cpp) reads them
  std::string revoked_at, revoke, revoked, next_crl_number, identity;
};

// The statements in `dialect`'s words: each {token} replaced (sql_connection.h, SqlDialect).
SqlStatements sql_statements(const SqlDialect& dialect);

}  // namespace kpki::ledger
