#include "core/certificate_request.h"

namespace kpki {

Validity Validity::from_now(std::chrono::seconds lifetime) {
  // Backdated so that a node whose clock lags a little still accepts a fresh certificate.
  constexpr auto kBackdate = std::chrono::minutes(5);
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
  return Validity{now - kBackdate, now + lifetime};
}

}  // namespace kpki
