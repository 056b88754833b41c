#pragma once
// The two places every issuance goes through, where the ledger listens (docs/ledger.md):
//  - CertificateAuthority::issue / self_sign report each certificate they sign;
//  - write_file_atomic / write_files_together report the files they are about to put in place,
//    and the active journal stores (incomplete) the records of the certificates those files
//    hold *before* any of them is renamed into place. A record that cannot be stored is an
//    error there, so the file is never written.
// Both are no-ops unless a command has started an IssuanceJournal (core/ledger/issuance_journal.h),
// so library users and tests that want no ledger get none. Code that opens a CA key tells the
// journal its URI (journal_signing_key) so records name the key and its backend.
#include <span>
#include <string_view>

#include "core/bytes.h"
#include "core/certificate.h"
#include "core/certificate_request.h"

namespace kpki::ledger {

struct IssuedCertificate {
  const Certificate& certificate;
  const CertificateRequest& request;  // as issued (validity capped, serial set)
  const Certificate* issuer;          // null: self-signed
  ByteView signer_public_key;         // SubjectPublicKeyInfo of the signing key
  ByteView issuer_key_id;             // the issuer's SKI; empty when self-signed
};
void journal_issued(const IssuedCertificate& issued);

struct FileToInstall {
  std::string_view path;
  ByteView data;
};
// Throws (the record could not be stored) before anything is installed.
void journal_before_install(std::span<const FileToInstall> files);

// `key_uri` (shown redacted) is the key whose public key is `public_key_der`; `backend` is its
// scheme (KeyRegistry::scheme_of).
void journal_signing_key(ByteView public_key_der, std::string_view key_uri,
                         std::string_view backend);

}  // namespace kpki::ledger
