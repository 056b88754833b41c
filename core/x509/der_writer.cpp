#include "core/x509/der_writer.h"

#include <chrono>
#include <cstdio>

#include "core/util/error.h"

namespace kpki::der {

namespace {

size_t length_octets(size_t length) {
  if (length < 0x80) return 1;
  size_t octets = 1;
  for (size_t l = length; l; l >>= 8) ++octets;
  return octets;
}

}  // namespace

void append_header(Bytes& out, uint8_t tag, size_t length) {
  out.push_back(tag);
  if (length < 0x80) {
    out.push_back(static_cast<uint8_t>(length));
    return;
  }
  auto octets = static_cast<uint8_t>(length_octets(length) - 1);
  out.push_back(static_cast<uint8_t>(0x80 | octets));
  for (int i = octets - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(length >> (8 * i)));
}

void append(Bytes& out, uint8_t tag, ByteView content) {
  append_header(out, tag, content.size());
  out.insert(out.end(), content.begin(), content.end());
}

void append(Bytes& out, uint8_t tag, std::string_view content) {
  append(out, tag, ByteView(reinterpret_cast<const uint8_t*>(content.data()), content.size()));
}

size_t begin(Bytes& out, uint8_t tag) {
  size_t begun = out.size();
  out.push_back(tag);
  out.push_back(0);  // a short length; end() makes room for a long one
  return begun;
}

void end(Bytes& out, size_t begun) {
  size_t content_start = begun + 2;
  size_t length = out.size() - content_start;
  size_t octets = length_octets(length);
  if (octets == 1) {
    out[begun + 1] = static_cast<uint8_t>(length);
    return;
  }
  Bytes header;
  append_header(header, out[begun], length);
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(content_start), header.begin() + 2,
             header.end());
  out[begun + 1] = header[1];
}

void append_unsigned_integer(Bytes& out, ByteView big_endian) {
  size_t first = 0;
  while (first + 1 < big_endian.size() && big_endian[first] == 0) ++first;
  ByteView digits = big_endian.subspan(first);
  bool pad = digits.empty() || (digits[0] & 0x80);
  append_header(out, kInteger, digits.size() + (pad ? 1 : 0));
  if (pad) out.push_back(0);
  out.insert(out.end(), digits.begin(), digits.end());
}

void append_small_integer(Bytes& out, unsigned value) {
  uint8_t big_endian[sizeof value];
  for (size_t i = 0; i < sizeof value; ++i)
    big_endian[i] = static_cast<uint8_t>(value >> (8 * (sizeof value - 1 - i)));
  append_unsigned_integer(out, ByteView(big_endian, sizeof big_endian));
}

void append_true(Bytes& out) { out.insert(out.end(), {kBoolean, 1, 0xff}); }

void append_oid(Bytes& out, int nid) {
  const ASN1_OBJECT* object = OBJ_nid2obj(nid);
  const unsigned char* content = object ? OBJ_get0_data(object) : nullptr;
  if (!content)
    throw Error(ErrorCode::CryptoError, "no object identifier for NID " + std::to_string(nid));
  append(out, 0x06, ByteView(content, OBJ_length(object)));
}

void append_time(Bytes& out, TimePoint t) {
  using namespace std::chrono;
  sys_days day = floor<days>(t);
  year_month_day date(day);
  hh_mm_ss<seconds> time(t - day);
  int year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) throw Error(ErrorCode::InvalidInput, "time outside years 0000-9999");
  bool utc_time = year >= 1950 && year < 2050;
  auto hours = static_cast<int>(time.hours().count());
  auto minutes = static_cast<int>(time.minutes().count());
  auto secs = static_cast<int>(time.seconds().count());
  auto month = static_cast<unsigned>(date.month());
  auto day_of_month = static_cast<unsigned>(date.day());
  char text[20];
  int n = utc_time ? std::snprintf(text, sizeof text, "%02d%02u%02u%02d%02d%02dZ", year % 100,
                                   month, day_of_month, hours, minutes, secs)
                   : std::snprintf(text, sizeof text, "%04d%02u%02u%02d%02d%02dZ", year, month,
                                   day_of_month, hours, minutes, secs);
  append(out, utc_time ? 0x17 : 0x18, std::string_view(text, static_cast<size_t>(n)));
}

}  // namespace kpki::der
