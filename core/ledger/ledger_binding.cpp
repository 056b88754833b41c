#include "core/ledger/ledger_binding.h"

#include <algorithm>

#include "core/fs/file_io.h"
#include "core/ledger/ledger_records.h"

namespace kpki::ledger {

namespace {

std::string binding_message(LedgerBindingError::Kind kind, const LedgerHome& home,
                            const std::string& location) {
  std::string whose = "the CAs of '" + (home.dir.empty() ? std::string(".") : home.dir.string()) +
                      "' recorded into (" + home.state_file() + ")";
  if (kind == LedgerBindingError::Kind::Missing)
    return "ledger '" + location + "' is missing; it is the one " + whose;
  return "ledger '" + location + "' is not the one " + whose + ": it was replaced or made anew";
}

}  // namespace

LedgerBindingError::LedgerBindingError(Kind kind, LedgerHome home, std::string location)
    : Error(kind == Kind::Missing ? ErrorCode::NotFound : ErrorCode::InvalidInput,
            binding_message(kind, home, location)),
      kind_(kind),
      home_(std::move(home)),
      location_(std::move(location)) {}

std::unique_ptr<Ledger> open_bound_ledger(const LedgerHome& home, const std::string& spec,
                                          LedgerMustExist must_exist) {
  std::optional<LedgerState> state = read_ledger_state(home);
  std::string key = ledger_state_key(home, spec);
  const std::string* known = nullptr;
  if (state) {
    auto it = state->ledgers.find(key);
    if (it != state->ledgers.end()) known = &it->second;
  }
  bool sqlite = !is_postgresql_spec(spec);
  // Checked before opening: opening a SQLite path creates an empty ledger there.
  if (sqlite && !file_exists(spec)) {
    if (known)
      throw LedgerBindingError(LedgerBindingError::Kind::Missing, home, redact_ledger_spec(spec));
    if (must_exist == LedgerMustExist::Yes)
      throw Error(ErrorCode::NotFound, "ledger '" + spec + "' does not exist");
  }
  std::unique_ptr<Ledger> ledger = open_ledger(spec);
  if (known && *known != ledger->identity())
    throw LedgerBindingError(LedgerBindingError::Kind::Replaced, home, ledger->location());
  if (!known || (home.tree && !state->tree)) bind_ledger(home, spec, *ledger);
  return ledger;
}

void bind_ledger(const LedgerHome& home, const std::string& spec, const Ledger& ledger) {
  std::string key = ledger_state_key(home, spec);
  std::string id = ledger.identity();
  update_ledger_state(home, [&](LedgerState& state) {
    state.tree = state.tree || home.tree;
    state.ledgers[key] = id;
  });
}

std::uint64_t crl_number_floor(const LedgerHome& home, const std::string& issuer_key_id) {
  std::optional<LedgerState> state = read_ledger_state(home);
  if (!state) return 1;
  auto it = state->crl_numbers.find(issuer_key_id);
  return it == state->crl_numbers.end() ? 1 : it->second + 1;
}

void note_crl_published(const LedgerHome& home, const std::string& issuer_key_id,
                        std::uint64_t number) {
  update_ledger_state(home, [&](LedgerState& state) {
    std::uint64_t& last = state.crl_numbers[issuer_key_id];
    last = std::max(last, number);
  });
}

}  // namespace kpki::ledger
