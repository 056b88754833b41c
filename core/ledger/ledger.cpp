// The ledger's parts that need OpenSSL (the issuer key id, record digests) and open_ledger's
// choice of storage. The names and encodings every storage shares are in ledger_records.cpp; the
// storages themselves in storage/.
#include "core/ledger/ledger.h"

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "core/ledger/ledger_records.h"
#include "core/ledger/storage/storage.h"
#include "core/util/error.h"

namespace kpki::ledger {

std::string issuer_key_id(const Certificate& ca) {
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(ca.x509()))
    return hex_of(
        ByteView(ASN1_STRING_get0_data(ski), static_cast<size_t>(ASN1_STRING_length(ski))));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!X509_pubkey_digest(ca.x509(), EVP_sha1(), md, &len))
    throw_openssl_error(ErrorCode::CryptoError, "CA certificate: cannot hash its public key");
  return hex_of(ByteView(md, len));
}

std::string sha256_hex(ByteView der) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(der.data(), der.size(), md, &len, EVP_sha256(), nullptr);
  return hex_of(ByteView(md, len));
}

std::unique_ptr<Ledger> open_ledger(const std::string& spec) {
  if (spec.empty()) throw Error(ErrorCode::InvalidInput, "--ledger: empty ledger location");
  // A PostgreSQL URL (is_postgresql_spec, which also decides what is redacted) is a server; any
  // other location is a path, for SQLite (docs/ledger.md).
  return is_postgresql_spec(spec) ? open_postgresql_ledger(spec) : open_sqlite_ledger(spec);
}

}  // namespace kpki::ledger
