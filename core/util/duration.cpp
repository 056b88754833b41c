#include "core/util/duration.h"

#include <cctype>
#include <limits>

#include "core/util/error.h"

namespace kpki {

std::chrono::seconds parse_duration(std::string_view text, std::string_view field) {
  auto fail = [&](const std::string& why) -> Error {
    return Error(ErrorCode::InvalidInput, std::string(field) + ": invalid duration '" +
                                              std::string(text) + "' (" + why +
                                              "; use forms like 8760h, 90d, 30m, 1h30m)");
  };
  if (text.empty()) throw fail("empty");
  constexpr long long kMax =
      10000LL * 366 * 24 * 3600;  // past 9999-12-31 from any date: Validity says why
  long long total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) throw fail("expected a number");
    long long value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      value = value * 10 + (text[i] - '0');
      if (value > kMax) throw fail("too long");
      ++i;
    }
    if (i == text.size()) throw fail("missing unit");
    long long unit = 0;
    switch (text[i]) {
      case 'd':
        unit = 86400;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'm':
        unit = 60;
        break;
      case 's':
        unit = 1;
        break;
      default:
        throw fail(std::string("unknown unit '") + text[i] + "'");
    }
    ++i;
    total += value * unit;
    if (total > kMax) throw fail("too long");
  }
  if (total <= 0) throw fail("must be positive");
  return std::chrono::seconds(total);
}

std::string format_duration(std::chrono::seconds d) {
  long long s = d.count();
  if (s != 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s != 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

}  // namespace kpki
