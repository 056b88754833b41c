#pragma once
// UTC time as people read it: one strftime wrapper for every place kpki prints a date.
#include <ctime>
#include <string>

#include "core/certificate_request.h"

namespace kpki {

// `format` is a strftime format; the time is shown in UTC.
std::string format_utc(TimePoint t, const char* format);
std::string format_utc(const std::tm& utc, const char* format);

inline constexpr const char* kIsoUtc = "%Y-%m-%dT%H:%M:%SZ";

}  // namespace kpki
