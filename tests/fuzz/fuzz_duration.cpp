// parse_duration: rejects or returns a positive, bounded duration that survives formatting.
#include "core/util/duration.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kpki::fuzz::expect_only_kpki_errors([&] {
    auto d = kpki::parse_duration(kpki::fuzz::text(data, size), "fuzz");
    kpki::fuzz::require(d.count() > 0, "accepted a non-positive duration");
    kpki::fuzz::require(d.count() <= 1000LL * 365 * 24 * 3600, "accepted more than 1000 years");
    kpki::fuzz::require(kpki::parse_duration(kpki::format_duration(d)) == d,
                        "format_duration does not round-trip");
  });
  return 0;
}
