#pragma once
// The libp11: twin of a pkcs11: key URI (same attributes, other scheme).
#include <string>

namespace kpki::test {

inline std::string libp11_uri(const std::string& pkcs11_uri) {
  return "libp11:" + pkcs11_uri.substr(pkcs11_uri.find(':') + 1);
}

}  // namespace kpki::test
