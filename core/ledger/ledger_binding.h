#pragma once
// Opening a CA's ledger through its home (ledger_home.h): a ledger the home recorded into before
// must still be there and still be the same ledger; otherwise the CA's history (what it signed,
// what was revoked) would silently restart empty, and its next CRL un-revoke everything.
#include <memory>
#include <string>

#include "core/ledger/ledger.h"
#include "core/ledger/ledger_home.h"
#include "core/util/error.h"

namespace kpki::ledger {

// A ledger the CA's home recorded into is gone (Missing: NotFound) or is another ledger now
// (Replaced: InvalidInput). The CLI adds the way out (restore it, or `kpki ledger rebuild`).
class LedgerBindingError : public Error {
 public:
  enum class Kind { Missing, Replaced };
  LedgerBindingError(Kind kind, LedgerHome home, std::string location);

  Kind kind() const noexcept { return kind_; }
  const LedgerHome& home() const noexcept { return home_; }
  const std::string& location() const noexcept { return location_; }

 private:
  Kind kind_;
  LedgerHome home_;
  std::string location_;
};

enum class LedgerMustExist { No, Yes };

// Opens the ledger at `spec` for a CA whose home is `home`: throws LedgerBindingError when the
// home's state knows this location and the ledger is missing or has another identity; with
// LedgerMustExist::Yes a SQLite ledger that does not exist is NotFound (a CRL from a new, empty
// ledger would un-revoke every certificate). Remembers the ledger's identity in the home's state.
std::unique_ptr<Ledger> open_bound_ledger(const LedgerHome& home, const std::string& spec,
                                          LedgerMustExist must_exist = LedgerMustExist::No);

// Makes the home remember `ledger` at `spec` as its ledger (replacing what it knew of that
// location): `kpki ledger rebuild` re-binds a CA to the ledger it rebuilt.
void bind_ledger(const LedgerHome& home, const std::string& spec, const Ledger& ledger);

// The CRL number the next CRL of `issuer_key_id` must at least have: one more than the last one
// the home saw published.
std::uint64_t crl_number_floor(const LedgerHome& home, const std::string& issuer_key_id);
// Remembers that CRL `number` of `issuer_key_id` was published.
void note_crl_published(const LedgerHome& home, const std::string& issuer_key_id,
                        std::uint64_t number);

}  // namespace kpki::ledger
