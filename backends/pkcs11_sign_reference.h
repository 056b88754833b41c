#pragma once
// kpki bench's yardstick for token keys: the raw PKCS#11 signing loop, C_SignInit + C_Sign on the
// token key through the module's function list, with none of kpki's signer on the path. It is a
// reference to measure kpki against, not a way to sign; it lives in the pkcs11 backend because
// only that backend knows the module, the token and the mechanism table.
#include <functional>
#include <optional>
#include <string>

#include "core/util/bytes.h"
#include "core/x509/algorithm.h"

namespace kpki {

struct RawSignLoop {
  std::string name;  // "PKCS#11 C_Sign"
  // Called once per measuring thread; returns that thread's signing step (own session).
  std::function<std::function<void()>()> make_operation;
};

// The loop over the key `key_uri` (a pkcs11: URI with object=) signing `message` as kpki's signer
// would (hash, DigestInfo or message, computed once). `module` is --pkcs11-module. nullopt, with
// `why` set, when the token cannot be driven raw (no object label, kpki built without PKCS#11).
std::optional<RawSignLoop> pkcs11_raw_sign_loop(const std::string& key_uri, Algorithm algorithm,
                                                ByteView message, const std::string& module,
                                                std::string* why);

}  // namespace kpki
