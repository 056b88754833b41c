#pragma once
// The ledger's storages, as open_ledger (core/ledger/ledger.cpp) picks them by the location's
// prefix: SQLite for a path (storage/sqlite/), PostgreSQL for a postgresql:// URI (a module,
// storage/postgresql/). Both are thin drivers under one SQL ledger (storage/sql_ledger.h).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/ledger/ledger.h"

namespace kpki::ledger {

std::unique_ptr<Ledger> open_sqlite_ledger(const std::string& path);
// Loads the PostgreSQL storage module on first use (storage/postgresql/postgresql_module.h).
// Unsupported ("kpki was built without PostgreSQL support") when KPKI_WITH_POSTGRESQL is off;
// NotFound when the module is not installed; Unsupported when it cannot load or is of another
// kpki version.
std::unique_ptr<Ledger> open_postgresql_ledger(const std::string& uri);
// Where that module is looked for, in order: the configured install directory
// (<prefix>/<libdir>/kpki), the .deb's (/usr/<libdir>/kpki) and the build tree's lib/kpki, all
// compiled in; the build tree first when `executable` lies in it. Never a directory relative to
// `executable`.
std::vector<std::filesystem::path> postgresql_module_search_path(
    const std::filesystem::path& executable);

}  // namespace kpki::ledger
