#include "core/kubernetes/rebuild/ledger_rebuild.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/ledger/issuance_journal.h"
#include "core/util/error.h"

namespace kpki::kube {

namespace {

std::string profile_of(const Certificate& cert) {
  if (cert.is_ca()) return "ca";
  auto eku = cert.extended_key_usage();
  bool server = std::count(eku.begin(), eku.end(), ExtendedKeyUsage::ServerAuth) > 0;
  bool client = std::count(eku.begin(), eku.end(), ExtendedKeyUsage::ClientAuth) > 0;
  return server && client ? "peer" : server ? "server" : client ? "client" : "";
}

// True when `ca` signed `cert`: names and key identifiers chain, and the signature verifies.
// As the journal records it: lower-case hex, no colons.
std::string sha256_of(const Certificate& cert) {
  std::string out;
  for (char c : cert.fingerprint_sha256())
    if (c != ':') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool signed_by(const Certificate& cert, const Certificate& ca) {
  if (X509_check_issued(ca.x509(), cert.x509()) != X509_V_OK) return false;
  return X509_verify(cert.x509(), X509_get0_pubkey(ca.x509())) == 1;
}

// Who recovered it: the rebuild's host, user, process and command line; settled as released.
void stamp(ledger::IssuanceRecord& r, const ledger::JournalContext& context) {
  r.host = context.host;
  r.user = context.user;
  r.command = context.command;
  r.pid = context.pid;
  r.state = ledger::RecordState::Released;
}

ledger::IssuanceRecord record_of(const FoundCertificate& found, const Certificate& ca,
                                 const ledger::JournalContext& context) {
  const Certificate& cert = found.certificate;
  ledger::IssuanceRecord r;
  r.serial = cert.serial_hex();
  r.subject = subject_to_string(cert.subject());
  r.sans = ledger::record_sans(cert.subject_alt_names());
  r.issuer = subject_to_string(ca.subject());
  r.issuer_key_id = ledger::issuer_key_id(ca);
  r.not_before = cert.not_before();
  r.not_after = cert.not_after();
  r.profile = profile_of(cert);
  r.sha256 = sha256_of(cert);
  r.der = cert.der();
  r.issued_at = cert.not_before();  // the best the file says of when it was signed
  r.destinations = found.files;
  stamp(r, context);
  return r;
}

// What a record of a revoked certificate no file holds carries: the CRL's word only.
ledger::IssuanceRecord record_from_crl(const ledger::RevokedEntry& entry, const Certificate& ca,
                                       const std::string& crl_path,
                                       const ledger::JournalContext& context) {
  ledger::IssuanceRecord r;
  r.serial = entry.serial;
  r.subject = "(not on disk: recovered from CRL " + crl_path + ")";
  r.issuer = subject_to_string(ca.subject());
  r.issuer_key_id = ledger::issuer_key_id(ca);
  r.not_before = r.not_after = r.issued_at = entry.time;
  stamp(r, context);
  return r;
}

}  // namespace

RebuildPlan plan_rebuild(const std::vector<FoundCertificate>& found,
                         const std::vector<CrlFile>& crls, const ledger::JournalContext& context) {
  RebuildPlan plan;
  std::vector<const FoundCertificate*> cas;
  for (const FoundCertificate& f : found)
    if (f.certificate.is_ca()) cas.push_back(&f);
  std::set<std::pair<std::string, std::string>> recorded;  // (issuer key id, serial)
  for (const FoundCertificate* ca : cas) {
    RebuildCa summary;
    summary.subject = subject_to_string(ca->certificate.subject());
    summary.key_id = ledger::issuer_key_id(ca->certificate);
    for (const FoundCertificate& f : found) {
      if (!signed_by(f.certificate, ca->certificate)) continue;
      ledger::IssuanceRecord r = record_of(f, ca->certificate, context);
      if (!recorded.insert({r.issuer_key_id, r.serial}).second) continue;  // two CA copies
      plan.records.push_back(std::move(r));
      ++summary.certificates;
    }
    // The highest-numbered CRL of this CA that verifies.
    const CrlFile* newest = nullptr;
    for (const CrlFile& c : crls) {
      if (!c.crl.signature_verifies(X509_get0_pubkey(ca->certificate.x509()))) continue;
      if (!newest || c.crl.number().value_or(0) > newest->crl.number().value_or(0)) newest = &c;
    }
    if (newest) {
      summary.crl_number = newest->crl.number().value_or(0);
      for (const ledger::RevokedEntry& e : newest->crl.revoked()) {
        if (recorded.insert({summary.key_id, e.serial}).second) {
          plan.records.push_back(record_from_crl(e, ca->certificate, newest->path, context));
          ++summary.revoked_not_on_disk;
        }
        plan.revocations.push_back({{summary.key_id, e.serial}, {e.time, e.reason}});
        ++summary.revoked;
      }
    }
    // Several copies of one CA (OUT/pki and every node's) are one CA.
    bool seen = std::any_of(plan.cas.begin(), plan.cas.end(),
                            [&](const RebuildCa& c) { return c.key_id == summary.key_id; });
    if (!seen) plan.cas.push_back(std::move(summary));
  }
  for (const CrlFile& c : crls) {
    bool signer = std::any_of(cas.begin(), cas.end(), [&](const FoundCertificate* ca) {
      return c.crl.signature_verifies(X509_get0_pubkey(ca->certificate.x509()));
    });
    if (!signer)
      throw Error(ErrorCode::InvalidInput,
                  "CRL '" + c.path + "' is not signed by a CA found under the directory");
  }
  return plan;
}

RebuildCounts apply_rebuild(const RebuildPlan& plan, ledger::Ledger& ledger) {
  RebuildCounts counts;
  std::vector<ledger::IssuanceRecord> missing;
  std::vector<ledger::RecordKey> keys;
  for (const ledger::IssuanceRecord& r : plan.records) {
    bool known = false;
    for (const ledger::IssuanceRecord& k : ledger.find_serial(r.serial))
      known = known || k.key() == r.key();
    if (known) {
      ++counts.already_recorded;
      continue;
    }
    missing.push_back(r);
    keys.push_back(r.key());
  }
  ledger.record(missing);
  ledger.mark_released(keys);
  counts.recorded = missing.size();
  for (const auto& [key, revocation] : plan.revocations) {
    try {
      ledger.revoke(key, revocation.reason, revocation.time);
      ++counts.revoked;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::AlreadyExists) throw;
      ++counts.already_revoked;
    }
  }
  for (const RebuildCa& ca : plan.cas)
    if (ca.crl_number > 0) ledger.next_crl_number(ca.key_id, ca.crl_number);
  return counts;
}

}  // namespace kpki::kube
