#pragma once
// How a verb finds its ledger and records what it signs: `--ledger L` (a path => SQLite,
// postgresql://... => PostgreSQL), else $KPKI_LEDGER, else the verb's default next to its CA
// (docs/ledger.md). A verb that signs starts a journal before it signs and finishes it after
// its last file is written.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "core/ledger/issuance_journal.h"
#include "core/ledger/ledger.h"

namespace kpki::cli {

struct LedgerFlag {
  std::string spec;
  void add_to(CLI::App& cmd);
  // --ledger, else $KPKI_LEDGER, else `fallback` (InvalidInput when all are empty).
  std::string resolve(const std::string& fallback = {}) const;
};

// "<directory of path>/ledger.db": the default ledger beside a CA certificate.
std::string ledger_beside(const std::string& path);

// Starts recording this process's issuance in the ledger at `spec` (opened when first needed).
std::unique_ptr<ledger::IssuanceJournal> start_journal(const std::string& spec);
// journal.finish(), then a note on stderr of what opening the ledger reconciled from earlier
// runs that ended without finishing.
void finish_journal(ledger::IssuanceJournal& journal);

// The ledger at `spec` for reading what was issued before (a plan checks keys against it), or
// null when it is a SQLite path with no file yet: a plan creates nothing.
std::unique_ptr<ledger::Ledger> open_existing_ledger(const std::string& spec);

// This process's command line, key URIs redacted, for the records.
std::string command_line();

}  // namespace kpki::cli
