#pragma once
// DER encoding of the few ASN.1 shapes kpki writes itself (certificates' TBS, CRL framing): a tag
// and definite length, constructed values closed once their content is known, INTEGERs, OIDs from
// OpenSSL's object table, and X.509 times. Writing the TBS directly costs a fraction of building
// it in OpenSSL's X509 structures and encoding those (docs/backends.md, "Fifth pass").
#include <openssl/objects.h>

#include <string_view>

#include "core/util/bytes.h"
#include "core/util/time_point.h"

namespace kpki::der {

// A DER tag and definite length.
void append_header(Bytes& out, uint8_t tag, size_t length);
// A complete TLV.
void append(Bytes& out, uint8_t tag, ByteView content);
void append(Bytes& out, uint8_t tag, std::string_view content);

// A constructed value (SEQUENCE, SET, context tag) whose length is known once its content is
// written: begin() leaves room for the header, end() writes it (moving the content when the length
// needs more than one octet).
size_t begin(Bytes& out, uint8_t tag);
void end(Bytes& out, size_t begun);

// INTEGER of a non-negative big-endian number (leading zeros dropped, one 0x00 added when the top
// bit is set, as DER wants).
void append_unsigned_integer(Bytes& out, ByteView big_endian);
void append_small_integer(Bytes& out, unsigned value);
// BOOLEAN TRUE (FALSE is a DEFAULT everywhere kpki writes one, and so left out).
void append_true(Bytes& out);
// OBJECT IDENTIFIER of an OpenSSL NID (its encoding from OpenSSL's table, not spelled out here).
void append_oid(Bytes& out, int nid);
// UTCTime for 1950 through 2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5), always in seconds
// with a Z: what ASN1_TIME_set writes.
void append_time(Bytes& out, TimePoint t);

inline constexpr uint8_t kBoolean = 0x01;
inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kBitString = 0x03;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kUtf8String = 0x0c;
inline constexpr uint8_t kPrintableString = 0x13;
inline constexpr uint8_t kSequence = 0x30;
inline constexpr uint8_t kSet = 0x31;
// [n] IMPLICIT on a primitive value, [n] EXPLICIT (or IMPLICIT on a constructed one).
constexpr uint8_t context(unsigned n) { return static_cast<uint8_t>(0x80 | n); }
constexpr uint8_t context_constructed(unsigned n) { return static_cast<uint8_t>(0xa0 | n); }

}  // namespace kpki::der
