#pragma once
// Text from certificates, CSRs and command lines is attacker-controlled: a name can carry a
// newline (breaking kpki's one-line errors and forging log lines), terminal escape sequences, or
// bytes that are not UTF-8 (which JSON output cannot carry). Everything kpki shows a person goes
// through printable() first.
#include <string>
#include <string_view>

namespace kpki {

// Valid, printable UTF-8 unchanged; C0/C1 control characters, DEL, bidi controls, zero-width
// characters and bytes that are not valid UTF-8 written as \xHH (backslash as \\).
std::string printable(std::string_view text);

// True when `text` is valid UTF-8 without control, bidi or zero-width characters: what a name in
// a certificate kpki issues may contain.
bool is_printable_utf8(std::string_view text);

}  // namespace kpki
