#pragma once
// Byte containers shared by every layer: owned DER/signature bytes and non-owning views.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kpki {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace kpki
