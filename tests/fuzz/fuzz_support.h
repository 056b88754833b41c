#pragma once
// Shared glue for kpki's libFuzzer targets. A target may throw kpki::Error (that is the documented
// way to reject input); anything else escaping — another exception type, a crash, a sanitizer
// report — is a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/util/bytes.h"
#include "core/util/error.h"

namespace kpki::fuzz {

inline ByteView bytes(const std::uint8_t* data, std::size_t size) { return {data, size}; }
inline std::string text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Runs `body`, swallowing kpki::Error only.
template <class Body>
void expect_only_kpki_errors(Body&& body) {
  try {
    body();
  } catch (const kpki::Error&) {
  }
}

// A property that must hold for every accepted input.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

}  // namespace kpki::fuzz
