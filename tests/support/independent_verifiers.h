#pragma once
// Checks a certificate with verifiers that share no code with kpki's issuance path: OpenSSL's
// X509_verify, Botan's path validation and GnuTLS's certtool. Each returns "" on success and the
// verifier's own words otherwise, so a failing test says which verifier objected and why.
#include <string>

#include "core/x509/certificate.h"

namespace kpki::testing {

// The signature of `certificate` checks out under `issuer`'s public key (OpenSSL).
std::string openssl_verify_signature(const Certificate& certificate, const Certificate& issuer);

// Botan's x509_path_validate with `trusted_ca` as the only trust anchor. Empty when Botan is not
// compiled in is never returned silently: botan_available() says whether this can run.
bool botan_available();
std::string botan_path_validate(const Certificate& certificate, const Certificate& trusted_ca,
                                const std::string& hostname = "");

// `certtool --verify` with `trusted_ca` loaded as the CA; certtool_available() is false when
// gnutls-bin is not installed.
bool certtool_available();
std::string certtool_verify(const Certificate& certificate, const Certificate& trusted_ca);

}  // namespace kpki::testing
