#include "core/util/refused_code_points.h"

#include <algorithm>
#include <iterator>

namespace kpki {

namespace {

struct Range {
  std::uint32_t first, last;
};

constexpr Range kRefused[] = {
#include "core/util/refused_code_points.inc"
};

constexpr bool sorted_and_disjoint() {
  for (size_t i = 1; i < std::size(kRefused); ++i)
    if (kRefused[i].first <= kRefused[i - 1].last || kRefused[i].first > kRefused[i].last)
      return false;
  return true;
}
static_assert(sorted_and_disjoint(), "regenerate core/util/refused_code_points.inc");

}  // namespace

bool is_refused_code_point(std::uint32_t cp) {
  if (cp >= 0x20 && cp < 0x7F) return false;  // printable ASCII: the common case
  // The first range whose end is not before cp; cp is refused when that range starts at or below.
  const Range* it = std::lower_bound(std::begin(kRefused), std::end(kRefused), cp,
                                     [](const Range& r, std::uint32_t c) { return r.last < c; });
  return it != std::end(kRefused) && it->first <= cp;
}

}  // namespace kpki
