#pragma once
// How kpki encrypts a private key file when given a passphrase, whatever backend writes it: PKCS#8
// PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC. 600,000 iterations is OWASP's 2023 figure for
// PBKDF2-SHA-256; a key is decrypted once per command, so the ~0.3 s is paid once, not per
// certificate.
#include <cstddef>

namespace kpki {

inline constexpr std::size_t kKeyFilePbkdf2Iterations = 600000;

}  // namespace kpki
