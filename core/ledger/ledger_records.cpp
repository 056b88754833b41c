// The storage-neutral parts of the ledger's records that every storage shares: names of states
// and reasons, list columns, the query filter and PostgreSQL locations. No OpenSSL and no
// Certificate here, so the PostgreSQL storage module (core/ledger/storage/postgresql/) builds it in
// too.
#include <algorithm>
#include <array>
#include <cctype>

#include <nlohmann/json.hpp>

#include "core/ledger/ledger.h"
#include "core/ledger/ledger_records.h"
#include "core/util/error.h"

namespace kpki::ledger {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The leading CN of a subject rendered by subject_to_string, its RFC 4514 escapes undone
// ("CN=a\, b, O=x" -> "a, b"); empty when the subject does not start with CN=.
std::string common_name_of(std::string_view subject) {
  if (subject.substr(0, 3) != "CN=") return {};
  std::string value;
  for (size_t i = 3; i < subject.size() && subject.compare(i, 2, ", ") != 0; ++i) {
    if (subject[i] == '\\' && i + 1 < subject.size()) ++i;
    value += subject[i];
  }
  return value;
}

}  // namespace

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equal_ignoring_case(text.substr(0, prefix.size()), prefix);
}

std::string_view state_name(RecordState state) {
  switch (state) {
    case RecordState::Incomplete:
      return "incomplete";
    case RecordState::Released:
      return "released";
    case RecordState::Abandoned:
      return "abandoned";
  }
  return "incomplete";
}

RecordState parse_state(std::string_view name) {
  for (RecordState s : {RecordState::Incomplete, RecordState::Released, RecordState::Abandoned})
    if (name == state_name(s)) return s;
  throw Error(ErrorCode::InvalidInput, "ledger: unknown record state '" + std::string(name) + "'");
}

std::string hex_of(ByteView bytes, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 0xf];
  }
  return out;
}

bool is_postgresql_spec(std::string_view spec) {
  return starts_with_ignoring_case(spec, "postgresql://") ||
         starts_with_ignoring_case(spec, "postgres://");
}

std::string redact_ledger_spec(std::string_view spec) {
  if (!is_postgresql_spec(spec)) return std::string(spec);
  // scheme://user:password@host/... -> scheme://user:***@host/...; a password=... parameter too.
  std::string out(spec);
  size_t authority = out.find("://") + 3;
  size_t at = out.find('@', authority);
  size_t colon = out.find(':', authority);
  if (at != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  for (size_t p = 0; (p = out.find("password=", p)) != std::string::npos;) {
    p += 9;
    size_t end = out.find('&', p);
    out.replace(p, (end == std::string::npos ? out.size() : end) - p, "***");
  }
  return out;
}

bool issued_by(const IssuanceRecord& record, std::string_view ca) {
  return ca == record.issuer || ca == record.issuer_key_id || ca == common_name_of(record.issuer);
}

bool matches(const RecordQuery& query, const IssuanceRecord& record) {
  if (!query.ca.empty() && !issued_by(record, query.ca)) return false;
  if (query.expiring_within && record.not_after > query.now + *query.expiring_within) return false;
  if (!query.subject.empty() && record.subject.find(query.subject) == std::string::npos)
    return false;
  return true;
}

std::string encode_list(const std::vector<std::string>& items) {
  return nlohmann::json(items).dump();
}

std::vector<std::string> decode_list(const std::string& json) {
  try {
    return nlohmann::json::parse(json).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::InvalidInput, "ledger: a list column is not a JSON string array",
                e.what());
  }
}

}  // namespace kpki::ledger
