#pragma once
// What kpki itself issued for the files of a tree, as its ledger recorded it: each record holds
// the certificate's DER and the files it was written to, so the public key certified for a
// destination file is known. `init` keeps a key found on disk, and `ca rotate --phase reissue`
// certifies one anew, only when it is such a key: a key planted beside a deleted certificate, or
// an attacker's certificate and key put in place of a leaf, is not certified by the CA.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/ledger/ledger.h"
#include "core/util/bytes.h"
#include "core/x509/certificate.h"

namespace kpki::kube {

class IssuedKeys {
 public:
  // `ledger` may be null (none exists yet): then nothing is known. Not owned; it must outlive
  // this. Records are read when first needed, once.
  explicit IssuedKeys(const ledger::Ledger* ledger);

  // True when the ledger holds a certificate whose public key is `public_key_der`, whose
  // destinations include `path` (made absolute, as the ledger stores them) and, unless `subject`
  // is null, whose subject is `*subject`.
  bool issued_for(const std::string& path, const Bytes& public_key_der,
                  const Subject* subject = nullptr);

  // True when the ledger holds any certificate written to `path`.
  bool any_for(const std::string& path);

  // True when the ledger holds exactly this certificate (same issuer, serial and DER).
  bool recorded(const Certificate& cert) const;

  // Why something is unknown, for messages: "not in ledger L", or "no ledger".
  std::string absent() const;

 private:
  struct Issued {
    Subject subject;
    Bytes public_key_der;
  };
  void load();

  const ledger::Ledger* ledger_;
  bool loaded_ = false;
  std::map<std::string, std::vector<Issued>> by_destination_;
};

// A path as the ledger stores destinations: absolute and lexically normal.
std::string ledger_destination(const std::string& path);

}  // namespace kpki::kube
