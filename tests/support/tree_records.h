#pragma once
// Records the certificates of a kpki tree in a ledger with the files holding them, as init's
// journal stores them (one record per certificate, its destinations the absolute paths), through
// the ledger's public API only: for tests of what is checked against the ledger.
#include <set>
#include <string>

#include "core/ledger/ledger.h"

namespace kpki::testing {

class TreeRecorder {
 public:
  explicit TreeRecorder(ledger::Ledger& ledger) : ledger_(ledger) {}
  // Every certificate under `root` not recorded by this recorder yet: .crt files (each
  // certificate of a bundle) and kubeconfigs' client certificates.
  void record_new(const std::string& root);

 private:
  ledger::Ledger& ledger_;
  std::set<std::string> recorded_;  // DER of what is recorded, hex
  int next_issuer_ = 0;
};

}  // namespace kpki::testing
