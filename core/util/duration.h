#pragma once
// Durations as operators write them: "8760h", "90d", "30m", "45s", or combined like "1h30m".
#include <chrono>
#include <string>
#include <string_view>

namespace kpki {

// Throws InvalidInput naming `field` for anything else (empty, negative, zero, unknown unit,
// overflow).
std::chrono::seconds parse_duration(std::string_view text, std::string_view field = "duration");

// Largest unit that divides evenly: "8760h", "90d" is written "2160h".
std::string format_duration(std::chrono::seconds d);

}  // namespace kpki
