#include "core/kubernetes/tree/issued_keys.h"

#include <filesystem>

#include "core/util/error.h"

namespace kpki::kube {

std::string ledger_destination(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(std::filesystem::path(path), ec);
  return ec ? path : p.lexically_normal().string();
}

IssuedKeys::IssuedKeys(const ledger::Ledger* ledger) : ledger_(ledger) {}

void IssuedKeys::load() {
  if (loaded_ || !ledger_) return;
  loaded_ = true;
  for (const ledger::IssuanceRecord& record : ledger_->list({})) {
    if (record.destinations.empty() || record.revocation) continue;  // a revoked key is no proof
    Certificate cert =
        Certificate::from_der(record.der, ledger_->location() + ": serial " + record.serial);
    Issued issued{cert.subject(), cert.public_key_der()};
    for (const std::string& destination : record.destinations)
      by_destination_[destination].push_back(issued);
  }
}

bool IssuedKeys::issued_for(const std::string& path, const Bytes& public_key_der,
                            const Subject* subject) {
  load();
  auto it = by_destination_.find(ledger_destination(path));
  if (it == by_destination_.end()) return false;
  for (const Issued& issued : it->second) {
    if (issued.public_key_der == public_key_der && (!subject || issued.subject == *subject))
      return true;
  }
  return false;
}

bool IssuedKeys::any_for(const std::string& path) {
  load();
  return by_destination_.count(ledger_destination(path)) > 0;
}

bool IssuedKeys::recorded(const Certificate& cert) const {
  if (!ledger_) return false;
  for (const ledger::IssuanceRecord& record : ledger_->find_serial(cert.serial_hex())) {
    if (record.der == cert.der()) return true;
  }
  return false;
}

std::string IssuedKeys::absent() const {
  return ledger_ ? "not in ledger " + ledger_->location() : "no ledger";
}

}  // namespace kpki::kube
