#pragma once
// How a verb finds its ledger and records what it signs: `--ledger L` (a path => SQLite,
// postgresql://... => PostgreSQL), else $KPKI_LEDGER, else the ledger of the CA's home
// (core/ledger/ledger_home.h, docs/ledger.md): OUT/ledger.db for a kpki tree's CA, else
// ledger.db beside the CA certificate. A verb that signs starts a journal before it signs and
// finishes it after its last file is written.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "core/ledger/issuance_journal.h"
#include "core/ledger/ledger.h"
#include "core/ledger/ledger_binding.h"

namespace kpki::cli {

// A verb's ledger and the home of the CA it is for (none: `ledger list` without --ca-cert).
struct CaLedger {
  std::optional<ledger::LedgerHome> home;
  std::string spec;
  // Opens it; with a home, refuses a ledger the home knew that is missing or replaced.
  std::unique_ptr<ledger::Ledger> open(
      ledger::LedgerMustExist must_exist = ledger::LedgerMustExist::No) const;
};

// What the verb's --ledger help says the default is.
enum class LedgerDefault {
  CaCertificate,  // issue, sign, kubeconfig user, crl, ca create: the --ca-cert / --out CA's
  Tree,           // init, ca rotate, certs renew: the tree's (OUT/ledger.db)
  CaFlag,         // ledger list/show/reconcile/rebuild, revoke: the --ca-cert CA's, if given
};

struct LedgerFlag {
  std::string spec;
  void add_to(CLI::App& cmd, LedgerDefault shown = LedgerDefault::CaCertificate);
  // --ledger, else $KPKI_LEDGER, else `fallback` (InvalidInput when all are empty).
  std::string resolve(const std::string& fallback = {}) const;
  // The ledger of the CA whose certificate is (or will be) at `ca_cert`.
  CaLedger for_ca_certificate(const std::string& ca_cert) const;
  // The ledger of init's tree at `out_dir`.
  CaLedger for_tree(const std::string& out_dir) const;
  // for_ca_certificate(ca_cert) when a CA is named; else --ledger or $KPKI_LEDGER, required.
  CaLedger for_optional_ca(const std::string& ca_cert) const;
};

// Starts recording this process's issuance in `ledger`, opened (and its home checked) now, before
// anything is signed.
std::unique_ptr<ledger::IssuanceJournal> start_journal(const CaLedger& ledger);
// journal.finish(), then a note on stderr of what opening the ledger reconciled from earlier
// runs that ended without finishing.
void finish_journal(ledger::IssuanceJournal& journal);

// The ledger at `spec` for reading what was issued before (a plan checks keys against it), or
// null when it is a SQLite path with no file yet: a plan creates nothing.
std::unique_ptr<ledger::Ledger> open_existing_ledger(const std::string& spec);

// This process's command line, key URIs redacted, for the records.
std::string command_line();

}  // namespace kpki::cli
