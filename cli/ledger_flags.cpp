#include "cli/ledger_flags.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki::cli {

void LedgerFlag::add_to(CLI::App& cmd, LedgerDefault shown) {
  std::string fallback;
  switch (shown) {
    case LedgerDefault::CaCertificate:
      fallback =
          "the CA's: OUT/ledger.db for a CA of a kpki tree (OUT/pki/..., "
          "OUT/nodes/NAME/pki/...), else ledger.db beside the CA certificate";
      break;
    case LedgerDefault::Tree:
      fallback = "the tree's OUT/ledger.db";
      break;
    case LedgerDefault::CaFlag:
      fallback =
          "the --ca-cert CA's: OUT/ledger.db for a CA of a kpki tree, else ledger.db "
          "beside the CA certificate; required without --ca-cert";
      break;
  }
  cmd.add_option("--ledger", spec,
                 "Issuance ledger: a SQLite file or postgresql://... (default: $KPKI_LEDGER, "
                 "else " +
                     fallback + ")");
}

std::string LedgerFlag::resolve(const std::string& fallback) const {
  if (!spec.empty()) return spec;
  if (const char* env = std::getenv("KPKI_LEDGER"); env && *env) return env;
  if (fallback.empty())
    throw Error(ErrorCode::InvalidInput,
                "no ledger: give --ledger, set KPKI_LEDGER or name the CA with --ca-cert");
  return fallback;
}

CaLedger LedgerFlag::for_ca_certificate(const std::string& ca_cert) const {
  ledger::LedgerHome home = ledger::home_of_ca_certificate(ca_cert);
  std::string chosen = resolve(home.default_ledger());
  return {std::move(home), std::move(chosen)};
}

CaLedger LedgerFlag::for_tree(const std::string& out_dir) const {
  ledger::LedgerHome home = ledger::home_of_tree(out_dir);
  std::string chosen = resolve(home.default_ledger());
  return {std::move(home), std::move(chosen)};
}

CaLedger LedgerFlag::for_optional_ca(const std::string& ca_cert) const {
  if (!ca_cert.empty()) return for_ca_certificate(ca_cert);
  return {std::nullopt, resolve()};
}

std::unique_ptr<ledger::Ledger> CaLedger::open(ledger::LedgerMustExist must_exist) const {
  if (home) return ledger::open_bound_ledger(*home, spec, must_exist);
  return ledger::open_ledger(spec);
}

namespace {

// A server ledger is always there; a SQLite one when its file is.
bool ledger_present(const std::string& spec) {
  bool postgres = spec.rfind("postgresql://", 0) == 0 || spec.rfind("postgres://", 0) == 0;
  std::error_code ec;
  return postgres || std::filesystem::exists(std::filesystem::symlink_status(spec, ec));
}

}  // namespace

std::unique_ptr<ledger::Ledger> open_existing_ledger(const std::string& spec) {
  return ledger_present(spec) ? ledger::open_ledger(spec) : nullptr;
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

std::unique_ptr<ledger::IssuanceJournal> start_journal(const CaLedger& ledger) {
  auto context = ledger::JournalContext::of_this_process(command_line());
  // A ledger that exists is opened (and its home checked) now, before anything is signed. One
  // that does not is made when the first record is stored, so a command that fails before it
  // signs leaves no ledger behind; its home is checked then, still before any file is written.
  if (ledger_present(ledger.spec))
    return std::make_unique<ledger::IssuanceJournal>(ledger.open(), std::move(context));
  return std::make_unique<ledger::IssuanceJournal>([ledger] { return ledger.open(); },
                                                   std::move(context));
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
