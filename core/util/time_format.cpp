#include "core/util/time_format.h"

namespace kpki {

std::string format_utc(const std::tm& utc, const char* format) {
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, format, &utc);
  return std::string(buf, n);
}

std::string format_utc(TimePoint t, const char* format) {
  std::time_t tt = static_cast<std::time_t>(t.time_since_epoch().count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return format_utc(tm, format);
}

TimePoint to_time_point(const ASN1_TIME* t) {
  struct tm tm {};
  if (!ASN1_TIME_to_tm(t, &tm)) return {};
  return TimePoint(std::chrono::seconds(timegm(&tm)));
}

}  // namespace kpki
