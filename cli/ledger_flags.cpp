#include "cli/ledger_flags.h"

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
  std::string out;
  for (char c : raw) out += c == '\0' ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return redact_key_uri(out.empty() ? "kpki" : out);
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
