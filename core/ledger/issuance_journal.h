#pragma once
// The ledger as one command sees it. A command that may sign certificates starts an
// IssuanceJournal; while it lives, every certificate signed in the process (journal_hooks.h) is
// recorded in its ledger before the file holding it is written, and finish() marks them released
// once the command has written everything. Records a failed run leaves are settled against the
// files in the destructor; a crash leaves them incomplete for the next run to reconcile.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/ledger/journal_hooks.h"
#include "core/ledger/ledger.h"
#include "core/ledger/reconcile.h"

namespace kpki::ledger {

// Who issues: stored in each record.
struct JournalContext {
  std::string command;  // the command line, key URIs redacted
  std::string host;
  std::string user;
  std::int64_t pid = 0;

  // This process: hostname, effective user, pid; `command` as given.
  static JournalContext of_this_process(std::string command);
};

class IssuanceJournal {
 public:
  using LedgerOpener = std::function<std::unique_ptr<Ledger>()>;
  // Becomes the process's active journal (InvalidInput if another is active). The ledger is
  // opened when first needed -- a command that fails before it signs anything creates none --
  // and on opening, the records that ended runs of this host left incomplete are reconciled.
  IssuanceJournal(LedgerOpener open, JournalContext context);
  IssuanceJournal(std::unique_ptr<Ledger> ledger, JournalContext context);
  IssuanceJournal(const IssuanceJournal&) = delete;
  IssuanceJournal& operator=(const IssuanceJournal&) = delete;
  ~IssuanceJournal();

  // Every file is written: this run's records are marked released (one transaction), and
  // certificates that were signed but never written are recorded as abandoned.
  void finish();

  // Records now every certificate signed and not yet recorded, with `destination` ("-" for
  // standard output): for output that does not go through a file write.
  void record_pending(const std::string& destination);

  Ledger& ledger();  // opens it if not yet open
  // What opening the ledger reconciled (all zero when it was never opened).
  const ReconcileCounts& reconciled_on_start() const { return reconciled_; }

  // Called through journal_hooks.h.
  void on_issued(const IssuedCertificate& issued);
  void on_install(std::span<const FileToInstall> files);

 private:
  struct Pending {
    IssuanceRecord record;
    std::string pem;  // what a file holding it contains (or base64 of it, in a kubeconfig)
    std::string pem_base64;
  };
  // What finish() needs of a stored record (not the whole record: init stores thousands; a
  // failed run's settling reads the certificate back from the ledger).
  struct Stored {
    RecordKey key;
    std::vector<std::string> destinations;
  };
  void store(std::vector<IssuanceRecord> records);
  // The pending certificates that `files` hold, moved out of pending_ with their destinations.
  std::vector<IssuanceRecord> take_installed(std::span<const FileToInstall> files);

  LedgerOpener open_;
  std::unique_ptr<Ledger> ledger_;
  JournalContext context_;
  ReconcileCounts reconciled_;
  std::mutex mutex_;
  std::vector<Pending> pending_;  // signed, not yet recorded
  std::vector<Stored> stored_;    // recorded (incomplete) by this run
  bool finished_ = false;
};

}  // namespace kpki::ledger
