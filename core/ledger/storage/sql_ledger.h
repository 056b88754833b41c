#pragma once
// The ledger over any SQL database (sql_ledger.cpp): the one implementation of Ledger, its schema
// and statements written once (sql_statements.cpp), the database reached through a driver's
// SqlConnection (storage/sqlite/, storage/postgresql/).
#include <memory>

#include "core/ledger/ledger.h"
#include "core/ledger/storage/sql_connection.h"

namespace kpki::ledger {

// Starts the session, runs the migrations the schema lacks (Unsupported for a schema newer than
// this kpki knows) and reads the ledger's identity. Errors name connection->location().
std::unique_ptr<Ledger> open_sql_ledger(std::unique_ptr<SqlConnection> connection);

}  // namespace kpki::ledger
