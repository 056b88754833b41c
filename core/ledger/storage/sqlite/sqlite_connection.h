#pragma once
// The SQLite driver of the SQL ledger (sqlite_connection.cpp). Callers open a ledger with
// open_ledger (core/ledger/ledger.h); this is for the SQL ledger and its tests.
#include <memory>
#include <string>

#include "core/ledger/storage/sql_connection.h"

namespace kpki::ledger {

// Opens (and creates, 0600 in a 0700 directory) the SQLite file at `path`. InvalidInput when it
// or its -wal / -shm file is a symbolic link, or SQLite cannot open it.
std::unique_ptr<SqlConnection> open_sqlite_connection(const std::string& path);

}  // namespace kpki::ledger
