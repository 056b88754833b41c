#pragma once
// The issuance ledger: every certificate kpki signs, recorded before its file is written, and
// every revocation. Storage-neutral: SQLite (a path) and PostgreSQL (postgresql://...) implement
// the same Ledger (docs/ledger.md). A record is identified by its issuer and serial: serials are
// unique per issuer, as RFC 5280 requires.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/bytes.h"
#include "core/x509/certificate.h"
#include "core/x509/certificate_request.h"
#include "core/x509/revocation.h"

namespace kpki::ledger {

// incomplete: recorded, its file not (yet) known to be written; released: written; abandoned: a
// crash or failure left no file holding it (found by reconcile).
enum class RecordState { Incomplete, Released, Abandoned };
std::string_view state_name(RecordState state);  // "incomplete", "released", "abandoned"
RecordState parse_state(std::string_view name);  // InvalidInput otherwise

// Revocation reasons and CRL entries are X.509's (core/x509/revocation.h); the ledger stores them.
using kpki::parse_reason;
using kpki::reason_name;
using kpki::RevocationReason;
using kpki::RevokedEntry;

struct Revocation {
  TimePoint time;
  RevocationReason reason = RevocationReason::Unspecified;
};

// Which record: the issuing CA's key identifier (its subjectKeyIdentifier, hex; the leaf's AKI)
// and the serial (upper-case hex, as Certificate::serial_hex()).
struct RecordKey {
  std::string issuer_key_id;
  std::string serial;
  bool operator==(const RecordKey&) const = default;
};

struct IssuanceRecord {
  std::string serial;             // upper-case hex
  std::string subject;            // "CN=kube-apiserver, O=..."
  std::vector<std::string> sans;  // "DNS:kubernetes", "IP:10.96.0.1", "URI:...", "email:..."
  std::string issuer;             // the issuing CA's subject (itself for a root)
  std::string issuer_key_id;      // hex subjectKeyIdentifier of the issuing CA
  TimePoint not_before{};
  TimePoint not_after{};
  std::string profile;                    // "ca", "server", "client", "peer"
  std::string sha256;                     // lower-case hex of the DER
  Bytes der;                              // the certificate itself
  std::string ca_key_uri;                 // the signing key's URI, pin-value redacted
  std::string backend;                    // key URI scheme (KeyRegistry::scheme_of)
  TimePoint issued_at{};                  // when it was recorded
  std::string host, user, command;        // who issued it; command is argv with URIs redacted
  std::int64_t pid = 0;                   // the issuing process (reconcile skips live ones)
  std::vector<std::string> destinations;  // files that hold it ("-" for stdout)
  RecordState state = RecordState::Incomplete;
  std::optional<Revocation> revocation;

  RecordKey key() const { return {issuer_key_id, serial}; }
};

// Filters of `ledger list`; empty / unset fields match everything.
struct RecordQuery {
  std::string ca;                                       // issuer: CN, whole subject, or key id
  std::optional<std::chrono::seconds> expiring_within;  // notAfter <= now + this
  std::string subject;                                  // substring of the subject
  TimePoint now = now_seconds();
};

class Ledger {
 public:
  virtual ~Ledger() = default;

  // Stores `records` as incomplete, all or none, in one transaction (init records thousands).
  // AlreadyExists when an issuer already has one of these serials. Before any file is written.
  virtual void record(std::span<const IssuanceRecord> records) = 0;

  // incomplete (or abandoned) -> released, in one transaction; unknown keys are ignored.
  virtual void mark_released(std::span<const RecordKey> keys) = 0;
  // Settles an incomplete record as released or abandoned (reconcile). False when it was no
  // longer incomplete (another process settled it first); NotFound when there is no such record.
  virtual bool settle(const RecordKey& key, RecordState state) = 0;

  // Records matching `query`, ordered by issue time.
  virtual std::vector<IssuanceRecord> list(const RecordQuery& query) const = 0;
  // Every issuer's record with this serial (serials are unique per issuer only).
  virtual std::vector<IssuanceRecord> find_serial(std::string_view serial) const = 0;
  virtual std::vector<IssuanceRecord> incomplete() const = 0;

  // Marks the record revoked. NotFound: no such record; AlreadyExists: already revoked.
  virtual void revoke(const RecordKey& key, RevocationReason reason, TimePoint time) = 0;
  // The revoked certificates of one issuer (by key id), ordered by serial: what its CRL lists.
  virtual std::vector<RevokedEntry> revoked(std::string_view issuer_key_id) const = 0;
  // The next CRL number for the issuer: 1, 2, 3... Atomic and monotonic across processes (two
  // signers never get the same number), and never below `at_least` (a CRL published before the
  // ledger was lost or rebuilt counts: its number is never reused).
  virtual std::uint64_t next_crl_number(std::string_view issuer_key_id, std::uint64_t at_least) = 0;

  // This ledger's identity: a random id its storage drew when it was created. A CA's ledger
  // state (ledger_home.h) remembers it, so a ledger that was deleted and made anew, or replaced
  // by another, is noticed.
  virtual std::string identity() const = 0;

  // Where it lives, for messages: the SQLite path or the PostgreSQL URI without password.
  virtual std::string location() const = 0;
};

// A path => SQLite (the file and its directory are created 0600/0700 when absent);
// "postgresql://..." or "postgres://..." => PostgreSQL (Unsupported when built without it).
// Schema migrations run on open. Errors name the location.
std::unique_ptr<Ledger> open_ledger(const std::string& spec);

// The issuer key id a CA's records carry: its subjectKeyIdentifier as lower-case hex (the SHA-1
// of its public key when it has none, RFC 5280 4.2.1.2 method 1). What next_crl_number and
// revoked() take.
std::string issuer_key_id(const Certificate& ca);

// True when `ca` names the record's issuer: its CN, its whole subject or its key id.
bool issued_by(const IssuanceRecord& record, std::string_view ca);

// A location safe to print: any password in a PostgreSQL URI replaced by "***".
std::string redact_ledger_spec(std::string_view spec);

}  // namespace kpki::ledger
