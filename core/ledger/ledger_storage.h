#pragma once
// What the ledger's storages share (core/ledger/sqlite_ledger.cpp, postgresql_ledger.cpp): their
// factories, the list encoding of their text columns, and the query filter they both apply. Not
// for callers: they use open_ledger (core/ledger/ledger.h).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/ledger/ledger.h"

namespace kpki::ledger {

std::unique_ptr<Ledger> open_sqlite_ledger(const std::string& path);
// Loads the PostgreSQL storage module on first use (core/ledger/postgresql/postgresql_module.h).
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

bool is_postgresql_spec(std::string_view spec);

// SANs and destinations are stored as a JSON array of strings.
std::string encode_list(const std::vector<std::string>& items);
std::vector<std::string> decode_list(const std::string& json);

inline std::int64_t to_unix(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_unix(std::int64_t s) { return TimePoint{std::chrono::seconds(s)}; }

// Two hex digits a byte, lower-case unless `upper`.
std::string hex_of(ByteView bytes, bool upper = false);
std::string sha256_hex(ByteView der);

// The filters of `ledger list` that are not simple to say in SQL (CA by CN, subject substring);
// both storages apply the same rule.
bool matches(const RecordQuery& query, const IssuanceRecord& record);

}  // namespace kpki::ledger
