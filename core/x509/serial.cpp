#include "core/x509/serial.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <iterator>

#include "core/util/error.h"

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

std::string serial_to_hex(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return {};
  char* hex = BN_bn2hex(bn.get());
  OsslBytesPtr owned(reinterpret_cast<unsigned char*>(hex));
  return hex ? std::string(hex) : std::string();
}

Asn1IntegerPtr serial_from_hex(const std::string& hex, const std::string& field) {
  std::string digits;
  std::copy_if(hex.begin(), hex.end(), std::back_inserter(digits), [](char c) { return c != ':'; });
  bool all_hex = !digits.empty() && std::all_of(digits.begin(), digits.end(),
                                                [](unsigned char c) { return std::isxdigit(c); });
  BIGNUM* raw = nullptr;
  if (!all_hex || BN_hex2bn(&raw, digits.c_str()) != static_cast<int>(digits.size())) {
    BN_free(raw);
    throw Error(ErrorCode::InvalidInput, field + " '" + hex + "' is not a hexadecimal number");
  }
  BignumPtr bn(raw);
  if (BN_is_zero(bn.get()) || BN_num_bytes(bn.get()) > 20) {
    throw Error(ErrorCode::InvalidInput,
                field + " '" + hex + "' is not a certificate serial (1 to 20 octets)");
  }
  Asn1IntegerPtr integer(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!integer) throw_openssl_error(ErrorCode::CryptoError, "cannot encode " + field);
  return integer;
}

}  // namespace kpki
