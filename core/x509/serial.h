#pragma once
// Certificate serial numbers: 127 bits from the CSPRNG (RFC 5280: positive, at most 20 octets;
// CA/B Forum: at least 64 random bits).
#include <string>

#include "core/util/bytes.h"
#include "core/util/ossl_ptr.h"

namespace kpki {

// 16 random bytes with the top bit cleared (so the INTEGER is positive), never all zero.
Bytes random_serial();

// A serial as kpki prints it ("3F0A...", upper-case hex, no separators) from an ASN1_INTEGER.
std::string serial_to_hex(const ASN1_INTEGER* serial);
// Parses hex ("3f0a...", colons allowed) into a positive INTEGER of at most 20 octets (RFC 5280);
// throws InvalidInput naming `field`.
Asn1IntegerPtr serial_from_hex(const std::string& hex, const std::string& field = "serial");

}  // namespace kpki
