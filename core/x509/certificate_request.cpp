#include "core/x509/certificate_request.h"

#include "core/util/duration.h"
#include "core/util/error.h"

namespace kpki {

TimePoint x509_time_after(TimePoint start, std::chrono::seconds lifetime, std::string_view field) {
  // 64-bit seconds cannot overflow here (durations are capped far below), but X.509 stops at 9999.
  if (lifetime > kLastX509Time - start) {
    throw Error(ErrorCode::InvalidInput,
                std::string(field) + ": " + format_duration(lifetime) +
                    " from now ends after 9999-12-31, the last date a certificate or CRL can hold");
  }
  return start + lifetime;
}

Validity Validity::from_now(std::chrono::seconds lifetime, std::string_view field) {
  // Backdated so that a node whose clock lags a little still accepts a fresh certificate.
  constexpr auto kBackdate = std::chrono::minutes(5);
  TimePoint now = now_seconds();
  return Validity{now - kBackdate, x509_time_after(now, lifetime, field)};
}

}  // namespace kpki
