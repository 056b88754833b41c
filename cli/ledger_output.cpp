#include "cli/ledger_output.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "cli/machine_output.h"
#include "core/util/display_text.h"
#include "core/util/error.h"
#include "core/util/time_format.h"
#include "core/x509/pem.h"

namespace kpki::cli {

namespace {

std::string iso(TimePoint t) { return format_utc(t, kIsoUtc); }

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string revocation_text(const ledger::IssuanceRecord& r) {
  if (!r.revocation) return "-";
  return "revoked " + iso(r.revocation->time) + " " +
         std::string(ledger::reason_name(r.revocation->reason));
}

std::string csv_field(const std::string& value) {
  std::string v = printable(value);
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

nlohmann::json record_json(const ledger::IssuanceRecord& r, bool with_pem) {
  nlohmann::json j = {
      {"serial", r.serial},
      {"subject", r.subject},
      {"sans", r.sans},
      {"issuer", r.issuer},
      {"issuerKeyId", r.issuer_key_id},
      {"notBefore", iso(r.not_before)},
      {"notAfter", iso(r.not_after)},
      {"profile", r.profile},
      {"sha256", r.sha256},
      {"caKeyUri", r.ca_key_uri},
      {"backend", r.backend},
      {"issuedAt", iso(r.issued_at)},
      {"host", r.host},
      {"user", r.user},
      {"command", r.command},
      {"pid", r.pid},
      {"destinations", r.destinations},
      {"state", ledger::state_name(r.state)},
      {"revocation", nullptr},
  };
  if (r.revocation)
    j["revocation"] = {{"time", iso(r.revocation->time)},
                       {"reason", ledger::reason_name(r.revocation->reason)}};
  if (with_pem) j["pem"] = encode_pem("CERTIFICATE", r.der);
  // Names are attacker-controlled and may hold bytes that are not UTF-8: escaped, not thrown.
  return nlohmann::json::parse(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

nlohmann::ordered_json record_document(const ledger::IssuanceRecord& record, bool with_pem) {
  nlohmann::ordered_json document = output_document("IssuanceRecord");
  document.update(nlohmann::ordered_json(record_json(record, with_pem)));
  return document;
}

nlohmann::ordered_json records_document(const std::vector<ledger::IssuanceRecord>& records,
                                        bool with_pem) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& r : records) items.push_back(nlohmann::ordered_json(record_json(r, with_pem)));
  return output_document("IssuanceRecordList", {{"items", items}});
}

std::string render_records_text(const std::vector<ledger::IssuanceRecord>& records) {
  // A header, then columns padded to their widest cell (the last one, the issuer, is not).
  std::vector<std::vector<std::string>> rows = {
      {"SERIAL", "STATE", "REVOKED", "NOT AFTER", "PROFILE", "SUBJECT", "ISSUER"}};
  for (const auto& r : records) {
    rows.push_back({r.serial, std::string(ledger::state_name(r.state)),
                    r.revocation ? iso(r.revocation->time) + " " +
                                       std::string(ledger::reason_name(r.revocation->reason))
                                 : "-",
                    iso(r.not_after), r.profile, printable(r.subject), printable(r.issuer)});
  }
  std::vector<size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::ostringstream out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i)
      line += i + 1 < row.size() ? row[i] + std::string(width[i] - row[i].size() + 2, ' ') : row[i];
    out << line << "\n";
  }
  out << records.size() << " certificate(s)\n";
  return out.str();
}

std::string render_record_detail(const ledger::IssuanceRecord& r) {
  std::ostringstream out;
  out << "serial:       " << r.serial << "\n"
      << "subject:      " << printable(r.subject) << "\n"
      << "SANs:         " << printable(joined(r.sans, ", ")) << "\n"
      << "issuer:       " << printable(r.issuer) << " (key id " << r.issuer_key_id << ")\n"
      << "validity:     " << iso(r.not_before) << " to " << iso(r.not_after) << "\n"
      << "profile:      " << r.profile << "\n"
      << "sha256:       " << r.sha256 << "\n"
      << "CA key:       " << printable(r.ca_key_uri) << " (" << r.backend << ")\n"
      << "issued:       " << iso(r.issued_at) << " by " << printable(r.user) << "@"
      << printable(r.host) << " (pid " << r.pid << ")\n"
      << "command:      " << printable(r.command) << "\n"
      << "destinations: " << printable(joined(r.destinations, ", ")) << "\n"
      << "state:        " << ledger::state_name(r.state) << "\n"
      << "revocation:   " << revocation_text(r) << "\n"
      << encode_pem("CERTIFICATE", r.der);
  return out.str();
}

std::string render_records_csv(const std::vector<ledger::IssuanceRecord>& records) {
  std::ostringstream out;
  out << "serial,state,subject,sans,issuer,issuer_key_id,not_before,not_after,profile,sha256,"
         "ca_key_uri,backend,issued_at,host,user,command,destinations,revoked_at,"
         "revocation_reason\n";
  for (const auto& r : records) {
    std::vector<std::string> fields = {
        r.serial,
        std::string(ledger::state_name(r.state)),
        r.subject,
        joined(r.sans, ", "),
        r.issuer,
        r.issuer_key_id,
        iso(r.not_before),
        iso(r.not_after),
        r.profile,
        r.sha256,
        r.ca_key_uri,
        r.backend,
        iso(r.issued_at),
        r.host,
        r.user,
        r.command,
        joined(r.destinations, ", "),
        r.revocation ? iso(r.revocation->time) : "",
        r.revocation ? std::string(ledger::reason_name(r.revocation->reason)) : ""};
    std::string line;
    for (const auto& f : fields) line += (line.empty() ? "" : ",") + csv_field(f);
    out << line << "\n";
  }
  return out.str();
}

std::string normalize_serial(const std::string& text) {
  std::string hex;
  std::string_view t = text;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) t.remove_prefix(2);
  for (char c : t) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      throw Error(ErrorCode::InvalidInput, "serial '" + printable(text) +
                                               "': expected hexadecimal (as 'ledger list' shows)");
    hex += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (hex.empty()) throw Error(ErrorCode::InvalidInput, "serial: empty");
  size_t first = hex.find_first_not_of('0');
  if (first == std::string::npos) return "0";
  hex = hex.substr(first);
  return hex.size() % 2 ? "0" + hex : hex;
}

}  // namespace kpki::cli
