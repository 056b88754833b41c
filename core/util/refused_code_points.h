#pragma once
// Code points that show as nothing, or as something other than what they are: no name kpki
// certifies may hold one (is_printable_utf8), and printable() escapes them wherever text is shown.
#include <cstdint>

namespace kpki {

// True for controls (Cc), format characters (Cf: bidi controls, zero-width characters, soft
// hyphen, tags, ...), line and paragraph separators (Zl, Zp), surrogates (Cs), private-use (Co)
// and unassigned (Cn) code points, and every Default_Ignorable_Code_Point (Hangul fillers,
// variation selectors, combining grapheme joiner). From Unicode 15.0 data, through the table
// tools/generate_refused_code_points.py writes (core/util/refused_code_points.inc).
bool is_refused_code_point(std::uint32_t cp);

}  // namespace kpki
