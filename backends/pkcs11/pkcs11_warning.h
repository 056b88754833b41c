#pragma once
// Warnings from the PKCS#11 backend (pin-value in use, a PIN retry counter running low, a key
// with more uses than signing): one "kpki: warning:" line on stderr, key URIs redacted. The
// backend has no other channel to the user; errors go through kpki::Error instead.
#include <string>

namespace kpki {

void pkcs11_warn(const std::string& message);

}  // namespace kpki
