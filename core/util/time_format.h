#pragma once
// UTC time as people read it: one strftime wrapper for every place kpki prints a date.
#include <openssl/asn1.h>

#include <ctime>
#include <string>

#include "core/util/time_point.h"

namespace kpki {

// `format` is a strftime format; the time is shown in UTC.
std::string format_utc(TimePoint t, const char* format);
std::string format_utc(const std::tm& utc, const char* format);

// An ASN1_TIME (UTCTime or GeneralizedTime) as seconds; the epoch when it does not parse. 64-bit
// seconds hold every X.509 time (to 9999), unlike a nanosecond system_clock (to 2262).
TimePoint to_time_point(const ASN1_TIME* t);

inline constexpr const char* kIsoUtc = "%Y-%m-%dT%H:%M:%SZ";

}  // namespace kpki
