#pragma once
// Key URIs as shown to people: every place that prints a key URI (stdout, stderr, JSON, errors,
// --dry-run plans, the ledger) passes it through redact_key_uri, so a PIN given as pin-value never
// leaves the process. Lives in core, not in the PKCS#11 backend, so it works when that backend is
// compiled out (a config may still name pkcs11: keys, and the error saying so must not echo the
// PIN).
#include <string>
#include <string_view>

namespace kpki {

// `uri` (one key URI, or one command-line argument holding one) with the value of every
// pin-value attribute replaced by "***": in the path part or the query, in any letter case, with
// the attribute name percent-encoded or not ("PIN%2dValue="), whatever the scheme (pkcs11:,
// libp11:). The value masked is what the URI parser reads (RFC 7512): in the query it runs to the
// next '&' or the end of `uri`, in the path part to the next ';' or '?'. Quotes, spaces, '#' and
// %-escapes are part of it.
std::string redact_key_uri(std::string_view uri);

// The backstop for whole messages (errors, warnings, a command line) that may quote a key URI:
// a value already masked ("***" then the end, '&', ';', '?', a quote or whitespace) is kept; any
// other pin-value value is masked to the next '&' or the end of `text`, since where a URI ends
// inside a message cannot be known. So a URI shown unredacted costs the rest of the message,
// never the PIN. (A PIN that itself begins with "***" and one of those characters is the one
// spelling this cannot tell from a masked value; messages are built with redact_key_uri first.)
std::string redact_key_uris_in_text(std::string_view text);

}  // namespace kpki
