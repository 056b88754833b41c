#pragma once
// Which ledger belongs to a CA, for every verb alike (docs/ledger.md "Where it is"): a CA's home
// is the kpki tree it belongs to (init's OUT, when its certificate is OUT/pki/..., OUT/pki/etcd/...
// or OUT/nodes/NAME/pki[/etcd]/...), else the directory of its certificate. The default ledger is
// HOME/ledger.db; HOME/ledger-state.json (0600) remembers which ledgers the home used (their
// identities) and the last CRL number each CA published, so a lost or replaced ledger is noticed
// and CRL numbers never go backwards.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace kpki::ledger {

struct LedgerHome {
  std::filesystem::path dir;
  bool tree = false;  // a kpki tree's root (init's OUT)

  std::string default_ledger() const;  // HOME/ledger.db
  std::string state_file() const;      // HOME/ledger-state.json
};

// The home of the CA whose certificate is at `ca_cert`. A parent directory is taken as a tree
// only when kpki made it one (its ledger-state.json says so, or, for a tree from an older kpki,
// its ledger.db and nodes/ are there) and nobody else could have: those files are the user's own
// and not writable by others, and the directory is not writable by others.
LedgerHome home_of_ca_certificate(const std::string& ca_cert);
// The home of init's output directory (init, ca rotate).
LedgerHome home_of_tree(const std::string& out_dir);

struct LedgerState {
  bool tree = false;
  // Each ledger the home recorded into, by location (relative to the home when inside it, the
  // PostgreSQL URI without password), and the identity it had (Ledger::identity).
  std::map<std::string, std::string> ledgers;
  // The last CRL number each CA (by issuer key id) published.
  std::map<std::string, std::uint64_t> crl_numbers;
};

// The home's state; nullopt when it has none. InvalidInput when it is not a regular file of this
// user that only they may write, or does not parse.
std::optional<LedgerState> read_ledger_state(const LedgerHome& home);
// Reads, changes and writes the state (0600, atomically), holding a lock on the home directory so
// that concurrent kpki processes do not lose each other's changes. Creates the home if absent.
void update_ledger_state(const LedgerHome& home, const std::function<void(LedgerState&)>& change);

// The key under which the state remembers the ledger at `spec` (see LedgerState::ledgers).
std::string ledger_state_key(const LedgerHome& home, const std::string& spec);

}  // namespace kpki::ledger
