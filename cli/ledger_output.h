#pragma once
// `kpki ledger list|show` output: text for people, JSON (nlohmann) and CSV (RFC 4180) for tools.
// Names come from certificates and go through printable() (text, CSV) or JSON escaping.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/ledger/ledger.h"

namespace kpki::cli {

// One record as JSON; `with_pem` adds the certificate itself ("pem").
nlohmann::json record_json(const ledger::IssuanceRecord& record, bool with_pem);

// The IssuanceRecord document of one record (docs/json.md), and the IssuanceRecordList of many
// ("items"): `ledger list`, `ledger show`, `inspect` of a ledger.
nlohmann::ordered_json record_document(const ledger::IssuanceRecord& record, bool with_pem);
nlohmann::ordered_json records_document(const std::vector<ledger::IssuanceRecord>& records,
                                        bool with_pem);

// A table, one line per record: serial, state, revocation, notAfter, profile, subject, issuer.
std::string render_records_text(const std::vector<ledger::IssuanceRecord>& records);
// Every field of one record, one per line, then its PEM.
std::string render_record_detail(const ledger::IssuanceRecord& record);
// Header line and one line per record; fields quoted when they hold a comma, quote or newline.
std::string render_records_csv(const std::vector<ledger::IssuanceRecord>& records);

// Serial as typed ("0a:1b", "0x0A1B", "a1b") -> the ledger's form ("0A1B"); InvalidInput if not
// hexadecimal.
std::string normalize_serial(const std::string& text);

}  // namespace kpki::cli
