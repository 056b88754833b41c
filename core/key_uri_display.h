#pragma once
// Key URIs as shown to people: every place that prints a key URI (stdout, stderr, JSON, errors,
// --dry-run plans) passes it through redact_key_uri, so a PIN given as pin-value never leaves the
// process. Lives in core, not in the PKCS#11 backend, so it works when that backend is compiled
// out (a config may still name pkcs11: keys, and the error saying so must not echo the PIN).
#include <string>
#include <string_view>

namespace kpki {

// `text` with the value of every pin-value attribute replaced by "***": in the path part or the
// query, in any letter case, with the attribute name percent-encoded or not ("PIN%2dValue="),
// whatever the scheme (pkcs11:, libp11:). Works on a bare URI and on a whole message that quotes
// one. A value ends at '&', at ';' before any '?', at '#', at a quote or at whitespace.
std::string redact_key_uri(std::string_view text);

}  // namespace kpki
