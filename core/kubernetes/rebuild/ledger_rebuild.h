#pragma once
// `kpki ledger rebuild`: a new ledger for the CAs of a directory whose ledger was lost, from what
// the files still show. Recovered: every certificate on disk that a CA found there signed
// (verified), and the revocations (and CRL numbers) of the CRLs given. Not recoverable: the
// certificates no file holds any more (only their serials, if a CRL lists them), who issued
// what and when, the signing key URIs.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/kubernetes/tree/tree_certificates.h"
#include "core/ledger/issuance_journal.h"
#include "core/ledger/ledger.h"
#include "core/x509/crl.h"

namespace kpki::kube {

struct RebuildCa {
  std::string subject;
  std::string key_id;
  std::size_t certificates = 0;  // on disk, itself included when self-signed
  std::size_t revoked = 0;       // listed by its CRL
  std::size_t revoked_not_on_disk = 0;
  std::uint64_t crl_number = 0;  // of the newest CRL given; 0: none
};

struct RebuildPlan {
  std::vector<RebuildCa> cas;
  std::vector<ledger::IssuanceRecord> records;  // to store, released
  // Revocations, by record; a revoked certificate no file holds is stored as a record that
  // carries only what the CRL says (serial, issuer) and is marked so in its subject.
  std::vector<std::pair<ledger::RecordKey, ledger::Revocation>> revocations;
};

struct CrlFile {
  Crl crl;
  std::string path;
};

// Every CA certificate found is a CA of the plan; every certificate that one of them signed
// (signature verified) is recorded, with the files holding it as destinations. Each CRL must be
// signed by one of those CAs (InvalidInput naming the file otherwise); for a CA with several,
// the highest-numbered one counts.
RebuildPlan plan_rebuild(const std::vector<FoundCertificate>& found,
                         const std::vector<CrlFile>& crls, const ledger::JournalContext& context);

struct RebuildCounts {
  std::size_t recorded = 0, already_recorded = 0, revoked = 0, already_revoked = 0;
};

// Stores the plan in `ledger`: records it lacks (one transaction), released, then revocations
// it lacks; the ledger's CRL numbers continue after each CA's last CRL.
RebuildCounts apply_rebuild(const RebuildPlan& plan, ledger::Ledger& ledger);

}  // namespace kpki::kube
