#include "cli/ledger_flags.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "core/error.h"
#include "core/key_uri_display.h"

namespace kpki::cli {

void LedgerFlag::add_to(CLI::App& cmd) {
  cmd.add_option("--ledger", spec,
                 "Issuance ledger: a SQLite file or postgresql://... (default: $KPKI_LEDGER, "
                 "else ledger.db beside the CA certificate)");
}

std::string LedgerFlag::resolve(const std::string& fallback) const {
  if (!spec.empty()) return spec;
  if (const char* env = std::getenv("KPKI_LEDGER"); env && *env) return env;
  if (fallback.empty())
    throw Error(ErrorCode::InvalidInput, "no ledger: give --ledger or set KPKI_LEDGER");
  return fallback;
}

std::string ledger_beside(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  return (dir.empty() ? std::filesystem::path("ledger.db") : dir / "ledger.db").string();
}

std::unique_ptr<ledger::Ledger> open_existing_ledger(const std::string& spec) {
  bool postgres = spec.rfind("postgresql://", 0) == 0 || spec.rfind("postgres://", 0) == 0;
  if (!postgres && !std::filesystem::exists(spec)) return nullptr;
  return ledger::open_ledger(spec);
}

std::string command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Each argument is redacted on its own: a pin-value runs to the end of its argument, so a
  // PIN with spaces or quotes is masked whole before the arguments are joined.
  std::string out;
  for (std::size_t start = 0; start < raw.size();) {
    std::size_t end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    out +=
        (out.empty() ? "" : " ") + redact_key_uri(std::string_view(raw).substr(start, end - start));
    start = end + 1;
  }
  std::fill(raw.begin(), raw.end(), '\0');  // the unredacted arguments
  return out.empty() ? "kpki" : out;
}

std::unique_ptr<ledger::IssuanceJournal> start_journal(const std::string& spec) {
  return std::make_unique<ledger::IssuanceJournal>(
      [spec] { return ledger::open_ledger(spec); },
      ledger::JournalContext::of_this_process(command_line()));
}

void finish_journal(ledger::IssuanceJournal& journal) {
  journal.finish();
  const ledger::ReconcileCounts& r = journal.reconciled_on_start();
  if (r.released + r.abandoned > 0)
    std::cerr << "kpki: ledger " << journal.ledger().location() << ": reconciled " << r.released
              << " released and " << r.abandoned
              << " abandoned record(s) left incomplete by earlier runs\n";
}

}  // namespace kpki::cli
