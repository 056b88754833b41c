#include "bench/lib/reference_loops.h"

namespace kpki::bench {

// Hook for the raw C_Sign reference. It needs the PKCS#11 backend's session handling (module
// loading, URI matching, login), which lives in backends/pkcs11; until that backend exposes a raw
// session for a key, the pkcs11 rows show kpki's own figures with no reference ratio.
std::optional<ReferenceLoop> pkcs11_sign_reference(const std::string&, Algorithm, ByteView,
                                                   std::string* why) {
  if (why)
    *why = "raw C_Sign reference needs the PKCS#11 backend's session API (not in this build)";
  return std::nullopt;
}

}  // namespace kpki::bench
