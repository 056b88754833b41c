#include "backends/pkcs11/pkcs11_warning.h"

#include <cstdio>

#include "core/util/key_uri_display.h"

namespace kpki {

void pkcs11_warn(const std::string& message) {
  std::string line = "kpki: warning: " + redact_key_uris_in_text(message) + "\n";
  std::fputs(line.c_str(), stderr);
}

}  // namespace kpki
