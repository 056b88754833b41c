#include "core/util/key_uri_display.h"

#include <cctype>

namespace kpki {

namespace {

constexpr std::string_view kPinValue = "pin-value";
constexpr std::string_view kMask = "***";

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

// Where the value starting at text[i] ends, as the URI parser splits attributes: at '&' in the
// query; at ';' or '?' in the path part (before the first '?').
std::size_t uri_value_end(std::string_view text, std::size_t i, bool in_query) {
  while (i < text.size() && text[i] != '&' && (in_query || (text[i] != ';' && text[i] != '?'))) {
    ++i;
  }
  return i;
}

// True when the value at text[i] is a mask redact_key_uri left: "***" then the end of the URI.
bool already_masked(std::string_view text, std::size_t i) {
  if (text.substr(i, kMask.size()) != kMask) return false;
  std::size_t after = i + kMask.size();
  if (after == text.size()) return true;
  char c = text[after];
  return c == '&' || c == ';' || c == '?' || c == '\'' || c == '"' ||
         std::isspace(static_cast<unsigned char>(c)) != 0;
}

// Copies `text`, each pin-value value replaced by the mask; `value_end(i, in_query)` says where
// the value starting at i ends.
template <class ValueEnd>
std::string mask_values(std::string_view text, ValueEnd value_end) {
  std::string out;
  out.reserve(text.size());
  bool in_query = false;  // after a '?': ';' and '?' are part of a query value
  for (std::size_t i = 0; i < text.size();) {
    std::size_t value = match_pin_value(text, i);
    if (value == std::string_view::npos) {
      in_query = in_query || text[i] == '?';
      out += text[i++];
      continue;
    }
    out.append(text.substr(i, value - i));
    out += kMask;
    i = value_end(value, in_query);
  }
  return out;
}

}  // namespace

std::string redact_key_uri(std::string_view uri) {
  return mask_values(uri,
                     [&](std::size_t i, bool in_query) { return uri_value_end(uri, i, in_query); });
}

std::string redact_key_uris_in_text(std::string_view text) {
  return mask_values(text, [&](std::size_t i, bool) {
    if (already_masked(text, i)) return i + kMask.size();
    std::size_t amp = text.find('&', i);
    return amp == std::string_view::npos ? text.size() : amp;
  });
}

}  // namespace kpki
