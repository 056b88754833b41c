#pragma once
// Certificate serial numbers: 127 bits from the CSPRNG (RFC 5280: positive, at most 20 octets;
// CA/B Forum: at least 64 random bits).
#include "core/bytes.h"

namespace kpki {

// 16 random bytes with the top bit cleared (so the INTEGER is positive), never all zero.
Bytes random_serial();

}  // namespace kpki
