// Reference, not kpki: the raw PKCS#11 C_Sign loop, which the pkcs11 backend provides
// (backends/pkcs11_sign_reference.h) because only it knows the module and the token.
#include "backends/pkcs11_sign_reference.h"
#include "cli/bench/reference_loops.h"

namespace kpki::bench {

std::optional<ReferenceLoop> pkcs11_sign_reference(const std::string& key_uri, Algorithm algorithm,
                                                   ByteView message, const std::string& module,
                                                   std::string* why) {
  std::optional<RawSignLoop> loop = pkcs11_raw_sign_loop(key_uri, algorithm, message, module, why);
  if (!loop) return std::nullopt;
  return ReferenceLoop{loop->name, loop->make_operation};
}

}  // namespace kpki::bench
