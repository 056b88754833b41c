#include "core/serial.h"

#include <openssl/rand.h>

#include <algorithm>

#include "core/error.h"

namespace kpki {

Bytes random_serial() {
  Bytes serial(16);
  do {
    if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) {
      throw_openssl_error(ErrorCode::CryptoError, "random number generator failed");
    }
    serial[0] &= 0x7f;
  } while (std::all_of(serial.begin(), serial.end(), [](std::uint8_t b) { return b == 0; }));
  return serial;
}

}  // namespace kpki
