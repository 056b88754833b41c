#pragma once
// The one time type of certificates, ledgers and plans.
#include <chrono>

namespace kpki {

using Clock = std::chrono::system_clock;
// Certificate times are 64-bit seconds: system_clock's nanosecond time_point ends in 2262, while
// X.509 runs to 9999-12-31 (RFC 5280's "no well-defined expiration").
using TimePoint = std::chrono::sys_seconds;
inline TimePoint now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
}
// 9999-12-31T23:59:59Z, the last instant a GeneralizedTime can encode.
inline constexpr TimePoint kLastX509Time{std::chrono::seconds(253402300799)};

}  // namespace kpki
