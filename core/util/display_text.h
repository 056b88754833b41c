#pragma once
// Text from certificates, CSRs and command lines is attacker-controlled: a name can carry a
// newline (breaking kpki's one-line errors and forging log lines), terminal escape sequences, or
// bytes that are not UTF-8 (which JSON output cannot carry). Everything kpki shows a person goes
// through printable() first.
#include <string>
#include <string_view>

namespace kpki {

// Valid, printable UTF-8 unchanged; the code points of is_refused_code_point() (controls, bidi
// and other format characters, zero-width and default-ignorable, line/paragraph separators,
// private-use, unassigned) and bytes that are not valid UTF-8 written as \xHH. A backslash is
// doubled, except where it starts an RFC 4514 escape (a backslash before , + " \ < > ; # or a
// space: the pair is copied), so that a rendered name (subject_to_string) shows as it is.
std::string printable(std::string_view text);

// True when `text` is valid UTF-8 without any of those code points: what a name in a certificate
// kpki issues may contain.
bool is_printable_utf8(std::string_view text);

// One attribute value of a distinguished name as RFC 4514 writes it: ',' '+' '"' '\\' '<' '>'
// ';' escaped with a backslash, as are a leading '#' or space and a trailing space ('=' needs no
// escape and gets none). "eve, O=system:masters" becomes "eve\, O=system:masters": one value,
// not two attributes. Every subject kpki shows or records goes through it (subject_to_string).
std::string escape_dn_value(std::string_view value);

}  // namespace kpki
