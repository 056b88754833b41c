#pragma once
// What the ledger's storages share (core/ledger/sqlite_ledger.cpp, postgresql_ledger.cpp): their
// factories, the list encoding of their text columns, and the query filter they both apply. Not
// for callers: they use open_ledger (core/ledger/ledger.h).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/ledger/ledger.h"

namespace kpki::ledger {

std::unique_ptr<Ledger> open_sqlite_ledger(const std::string& path);
// Unsupported ("kpki was built without PostgreSQL support") when KPKI_WITH_POSTGRESQL is off.
std::unique_ptr<Ledger> open_postgresql_ledger(const std::string& uri);

bool is_postgresql_spec(std::string_view spec);

// SANs and destinations are stored as a JSON array of strings.
std::string encode_list(const std::vector<std::string>& items);
std::vector<std::string> decode_list(const std::string& json);

inline std::int64_t to_unix(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_unix(std::int64_t s) { return TimePoint{std::chrono::seconds(s)}; }

RevocationReason reason_from_code(int code);
// Two hex digits a byte, lower-case unless `upper`.
std::string hex_of(ByteView bytes, bool upper = false);
std::string sha256_hex(ByteView der);

// The filters of `ledger list` that are not simple to say in SQL (CA by CN, subject substring);
// both storages apply the same rule.
bool matches(const RecordQuery& query, const IssuanceRecord& record);

}  // namespace kpki::ledger
