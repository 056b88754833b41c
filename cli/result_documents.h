#pragma once
// The results the certificate verbs print (docs/json.md): one shape per kind, built here so that
// `ca create`, `issue`, `sign`, `csr` and `key generate` describe a certificate or a key the same
// way, and the words telling people that a key was made.
#include <nlohmann/json.hpp>
#include <string>

#include "core/util/bytes.h"
#include "core/x509/algorithm.h"
#include "core/x509/certificate.h"

namespace kpki::cli {

// {"uri" (redacted), "algorithm", "generated"}.
nlohmann::ordered_json key_json(const std::string& uri, Algorithm algorithm, bool generated);

// "generated ecdsa-p256 key URI (a new key on token 'T', object 'O')" or "... (a new key file)",
// "used existing ecdsa-p256 key URI": said on stderr whenever a verb makes or reuses a key.
std::string key_message(const std::string& uri, Algorithm algorithm, bool generated);

// The IssuedCertificate document of `ca create`, `issue` and `sign`: the file, serial, subject,
// SANs, profile, validity, issuer, SHA-256 fingerprint, and the key (`key`: null for `sign`).
nlohmann::ordered_json issued_certificate_document(const std::string& path,
                                                   const Certificate& certificate,
                                                   const std::string& profile,
                                                   const nlohmann::ordered_json& key);

// "wrote PATH (PROFILE, SUBJECT[, SANS], serial SERIAL)": the text result of the same verbs.
std::string issued_certificate_line(const std::string& path, const Certificate& certificate,
                                    const std::string& profile);

// "DNS:a, IP:1.2.3.4, ..." (escaped for the terminal).
std::string sans_text(const SubjectAltNames& sans);

}  // namespace kpki::cli
