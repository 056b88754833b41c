#include "core/key_uri_display.h"

#include <cctype>

namespace kpki {

namespace {

constexpr std::string_view kPinValue = "pin-value";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The character at text[i], percent-decoded ("%2D" -> '-'), and how many bytes it took.
char decoded_at(std::string_view text, std::size_t i, std::size_t& width) {
  if (text[i] == '%' && i + 2 < text.size()) {
    int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
    if (hi >= 0 && lo >= 0) {
      width = 3;
      return static_cast<char>(hi * 16 + lo);
    }
  }
  width = 1;
  return text[i];
}

// When "pin-value=" (in any case, any of its bytes percent-encoded) starts at text[i], the index
// just after the '='; else npos.
std::size_t match_pin_value(std::string_view text, std::size_t i) {
  for (char want : kPinValue) {
    if (i >= text.size()) return std::string_view::npos;
    std::size_t width = 1;
    char c = decoded_at(text, i, width);
    if (std::tolower(static_cast<unsigned char>(c)) != want) return std::string_view::npos;
    i += width;
  }
  if (i >= text.size()) return std::string_view::npos;
  std::size_t width = 1;
  return decoded_at(text, i, width) == '=' ? i + width : std::string_view::npos;
}

bool ends_value(char c, bool in_query) {
  return c == '&' || c == '#' || (c == ';' && !in_query) || c == '\'' || c == '"' ||
         std::isspace(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

std::string redact_key_uri(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_query = false;  // after a '?': ';' may be part of a query value there
  for (std::size_t i = 0; i < text.size();) {
    std::size_t value = match_pin_value(text, i);
    if (value == std::string_view::npos) {
      in_query = in_query || text[i] == '?';
      out += text[i++];
      continue;
    }
    out.append(text.substr(i, value - i));
    out += "***";
    i = value;
    while (i < text.size() && !ends_value(text[i], in_query)) ++i;
  }
  return out;
}

}  // namespace kpki
