#pragma once
// Machine-readable descriptions of certificates, CSRs and public keys, for `kpki inspect` and
// reports. JSON is the model; text is rendered from it.
#include <nlohmann/json.hpp>
#include <string>

#include "core/util/bytes.h"

namespace kpki {

class Certificate;

// Key type and size: {"type":"RSA","bits":2048} / {"type":"EC","curve":"P-256","bits":256}.
nlohmann::ordered_json describe_public_key(ByteView spki_der);

// Detects a certificate, CSR, CRL (with its revoked entries) or public key (PEM or DER) and
// describes it as a document (docs/json.md): "apiVersion", "kind" (Certificate,
// CertificateRequest, CertificateRevocationList, PublicKey), then its fields. Throws
// InvalidInput naming `origin` for anything else (a private key included: opening one is a
// backend's).
nlohmann::ordered_json describe_file_content(ByteView content, const std::string& origin);

// A certificate's fields (subject, issuer, serial, validity, SANs, usages, key, fingerprint), as
// nested in other documents (a kubeconfig's embedded certificates).
nlohmann::ordered_json describe_certificate(const Certificate& certificate);

// Aligned "field: value" text of a description.
std::string render_description_text(const nlohmann::ordered_json& description);

}  // namespace kpki
