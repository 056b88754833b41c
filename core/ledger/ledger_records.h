#pragma once
// The storage-neutral encodings and rules of the ledger's records (ledger_records.cpp, ledger.cpp):
// the list encoding of the text columns, times as Unix seconds, hex, and the query filter every
// storage applies. Not for callers: they use open_ledger (core/ledger/ledger.h).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ledger/ledger.h"

namespace kpki::ledger {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix);

// "postgresql://..." or "postgres://..." (any case): a PostgreSQL ledger, whose password is
// redacted from messages.
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
// every storage applies the same rule.
bool matches(const RecordQuery& query, const IssuanceRecord& record);

}  // namespace kpki::ledger
