#pragma once
// The ledger as one command sees it: the IssuanceRecorder (core/issue/issuance_recorder.h) its
// authorities are given. Every certificate they sign is recorded in its ledger before the file
// carrying it is written, and finish() marks them released once the command has written
// everything. Records a failed run leaves are settled against the files in the destructor; a
// crash leaves them incomplete for the next run to reconcile. Nothing is process-wide: two
// journals on two ledgers may run side by side, each recording only its own authorities' tickets.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/issue/issuance_recorder.h"
#include "core/ledger/ledger.h"
#include "core/ledger/reconcile.h"

namespace kpki::ledger {

// A certificate's SANs as records list them: "DNS:…", "IP:…", "URI:…", "email:…".
std::vector<std::string> record_sans(const SubjectAltNames& sans);

// Who issues: stored in each record.
struct JournalContext {
  std::string command;  // the command line, key URIs redacted
  std::string host;
  std::string user;
  std::int64_t pid = 0;

  // This process: hostname, effective user, pid; `command` as given.
  static JournalContext of_this_process(std::string command);
};

class IssuanceJournal final : public IssuanceRecorder {
 public:
  using LedgerOpener = std::function<std::unique_ptr<Ledger>()>;
  // The ledger is opened when first needed -- a command that fails before it signs anything
  // creates none -- and on opening, the records that ended runs of this host left incomplete are
  // reconciled.
  IssuanceJournal(LedgerOpener open, JournalContext context);
  IssuanceJournal(std::unique_ptr<Ledger> ledger, JournalContext context);
  IssuanceJournal(const IssuanceJournal&) = delete;
  IssuanceJournal& operator=(const IssuanceJournal&) = delete;
  ~IssuanceJournal() override;

  // Every file is written: this run's records are marked released (one transaction), and
  // certificates that were signed but never written are recorded as abandoned.
  void finish();

  Ledger& ledger();  // opens it if not yet open
  // What opening the ledger reconciled (all zero when it was never opened).
  const ReconcileCounts& reconciled_on_start() const { return reconciled_; }

  // IssuanceRecorder: a signed certificate is kept in memory under its ticket; the files that
  // carry tickets have their records stored (incomplete, one transaction per call) before any
  // of them is installed. A destination "-" is standard output.
  RecordTicket on_signed(const SignedCertificate& signed_certificate) override;
  void before_install(std::span<const CarriedCertificate> files) override;

 private:
  // What finish() needs of a stored record (not the whole record: init stores thousands; a
  // failed run's settling reads the certificate back from the ledger).
  struct Stored {
    RecordKey key;
    std::vector<std::string> destinations;
  };
  void store(std::vector<IssuanceRecord> records);
  // The pending certificates that `files` carry, moved out of pending_ with their destinations.
  std::vector<IssuanceRecord> take_installed(std::span<const CarriedCertificate> files);

  LedgerOpener open_;
  std::unique_ptr<Ledger> ledger_;
  JournalContext context_;
  ReconcileCounts reconciled_;
  std::mutex mutex_;
  std::mutex ledger_mutex_;  // store() from several threads: opening the ledger, its writes
  std::uint64_t next_ticket_ = 1;
  std::unordered_map<std::uint64_t, IssuanceRecord> pending_;  // signed, not yet recorded
  std::vector<Stored> stored_;                                 // recorded (incomplete) by this run
  bool finished_ = false;
};

}  // namespace kpki::ledger
