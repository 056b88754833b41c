// The pkcs11_raw_sign_loop of a build without PKCS#11 (backends/pkcs11/ is compiled out).
#ifndef KPKI_WITH_PKCS11
#include "backends/pkcs11_sign_reference.h"

namespace kpki {

std::optional<RawSignLoop> pkcs11_raw_sign_loop(const std::string&, Algorithm, ByteView,
                                                const std::string&, std::string* why) {
  if (why) *why = "kpki was built without PKCS#11";
  return std::nullopt;
}

}  // namespace kpki
#endif
