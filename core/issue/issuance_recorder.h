#pragma once
// How an Authority's certificates reach a ledger without a global: the Authority is given an
// IssuanceRecorder when it is made and tells it of each certificate it signs, getting a
// RecordTicket back; whoever writes the certificate out passes that ticket with the file
// (FileWrite::record, core/issue/file_group.h), and the ticket's recorder stores the record before
// the file is renamed into place. A record that cannot be stored is an error there, so the file is
// never written. An Authority without a recorder records nothing (tests, embedders that keep no
// ledger). core/ledger/issuance_journal.h is the ledger's recorder.
#include <cstdint>
#include <span>
#include <string_view>

#include "core/util/bytes.h"
#include "core/x509/certificate.h"
#include "core/x509/certificate_request.h"

namespace kpki {

class IssuanceRecorder;

// Which signed certificate a file carries, as the recorder that saw it signed knows it. Default:
// none (a file that carries no newly signed certificate).
struct RecordTicket {
  IssuanceRecorder* recorder = nullptr;
  std::uint64_t id = 0;
  explicit operator bool() const { return recorder != nullptr; }
};

// What the Authority reports of a certificate it has signed and verified.
struct SignedCertificate {
  const Certificate& certificate;
  const CertificateRequest& request;  // as issued (validity capped, serial set)
  const Certificate* issuer;          // null: self-signed
  ByteView issuer_key_id;             // the issuer's SKI; empty when self-signed
  std::string_view key_uri;           // the signing key's URI, pin-value redacted ("" unknown)
  std::string_view backend;           // that URI's backend, as the key registry names it
};

// A file about to be installed and the certificate it carries.
struct CarriedCertificate {
  std::string_view path;  // "-": standard output
  RecordTicket record;
};

class IssuanceRecorder {
 public:
  virtual ~IssuanceRecorder() = default;
  // Keeps what it needs of `signed_certificate` until a file carrying it is installed. Called
  // from several threads at once (kpki init signs on every core).
  virtual RecordTicket on_signed(const SignedCertificate& signed_certificate) = 0;
  // Before any of `files` is renamed into place: stores the records of the certificates whose
  // tickets are this recorder's (other entries are ignored). Throws when they cannot be stored:
  // the caller then installs none of the files.
  virtual void before_install(std::span<const CarriedCertificate> files) = 0;
};

// Tells each recorder named by a ticket in `files` about them (nothing when no file carries a
// ticket). What every writer of a certificate calls before it renames the file into place.
void record_before_install(std::span<const CarriedCertificate> files);

}  // namespace kpki
