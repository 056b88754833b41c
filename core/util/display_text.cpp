#include "core/util/display_text.h"

#include <cstdint>
#include <cstdio>

#include "core/util/refused_code_points.h"

namespace kpki {

namespace {

void hex_escape(std::string& out, unsigned char c) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "\\x%02X", c);
  out += buf;
}

// Length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF) and its code point; 0 when it is not one.
size_t utf8_sequence(std::string_view text, size_t i, std::uint32_t& code_point) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  size_t len = lead < 0x80           ? 1
               : (lead >> 5) == 0x6  ? 2
               : (lead >> 4) == 0xE  ? 3
               : (lead >> 3) == 0x1E ? 4
                                     : 0;
  if (len == 0 || i + len > text.size()) return 0;
  std::uint32_t cp = len == 1 ? lead : lead & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  code_point = cp;
  return len;
}

// Controls, format characters (bidi embeddings, overrides and isolates, zero-width characters,
// LRM/RLM, soft hyphen, tags), line and paragraph separators, default-ignorable, private-use and
// unassigned code points: a name holding one shows as something it is not ("admin" + RLO +
// "gpj.exe", "system:" + U+3164 + "masters"), so each is treated like a control character.
bool is_control(std::uint32_t cp) { return is_refused_code_point(cp); }

// RFC 4514 escapes in a rendered distinguished name ("CN=eve\, O=dev" is one CN) are shown as
// they are, so the name reads as what it is: a backslash and the special character after it are
// copied as a pair. Every other backslash is doubled, so \xHH escapes stay unambiguous.
bool is_dn_escape(std::string_view text, size_t i) {
  return text[i] == '\\' && i + 1 < text.size() &&
         std::string_view(",+\"\\<>;# ").find(text[i + 1]) != std::string_view::npos;
}

}  // namespace

bool is_printable_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    size_t len = utf8_sequence(text, i, cp);
    if (len == 0 || is_control(cp)) return false;
    i += len;
  }
  return true;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    size_t len = utf8_sequence(text, i, cp);
    bool control = is_control(cp);
    if (len == 0) {
      hex_escape(out, static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if (control) {
      for (size_t k = 0; k < len; ++k) hex_escape(out, static_cast<unsigned char>(text[i + k]));
    } else if (is_dn_escape(text, i)) {
      out.append(text.substr(i, 2));
      len = 2;
    } else if (cp == '\\') {
      out += "\\\\";
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string escape_dn_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    bool special = std::string_view(",+\"\\<>;").find(c) != std::string_view::npos;
    bool at_edge = (i == 0 && (c == '#' || c == ' ')) || (i + 1 == value.size() && c == ' ');
    if (special || at_edge) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace kpki
