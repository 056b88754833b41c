#include "tests/support/der_split.h"

#include <stdexcept>

namespace kpki::testing {

namespace {

// One TLV starting at `pos`: returns its total size (header + content); `content_start` is set.
size_t read_tlv(ByteView der, size_t pos, uint8_t expected_tag, size_t* content_start) {
  if (pos + 2 > der.size() || der[pos] != expected_tag) throw std::runtime_error("bad DER tag");
  size_t len = der[pos + 1];
  size_t header = 2;
  if (len & 0x80) {
    size_t octets = len & 0x7f;
    if (octets == 0 || octets > 4 || pos + 2 + octets > der.size()) {
      throw std::runtime_error("bad DER length");
    }
    len = 0;
    for (size_t i = 0; i < octets; ++i) len = (len << 8) | der[pos + 2 + i];
    header += octets;
  }
  if (pos + header + len > der.size()) throw std::runtime_error("truncated DER");
  *content_start = pos + header;
  return header + len;
}

}  // namespace

CertificateParts split_certificate(ByteView der) {
  size_t content = 0;
  size_t total = read_tlv(der, 0, 0x30, &content);
  if (total != der.size()) throw std::runtime_error("trailing data after certificate");
  CertificateParts parts;
  size_t pos = content;
  size_t ignored = 0;
  for (auto [tag, out] : {std::pair<uint8_t, Bytes*>{0x30, &parts.tbs},
                          {0x30, &parts.signature_algorithm},
                          {0x03, &parts.signature}}) {
    size_t size = read_tlv(der, pos, tag, &ignored);
    out->assign(der.begin() + pos, der.begin() + pos + size);
    pos += size;
  }
  if (pos != der.size()) throw std::runtime_error("extra fields in certificate");
  return parts;
}

}  // namespace kpki::testing
