#pragma once
// PEM armour: splitting a file into typed blocks and wrapping DER. Decoding is strict: a block
// that is not valid base64, or junk between blocks, is an error naming the file.
#include <string>
#include <vector>

#include "core/bytes.h"

namespace kpki {

struct PemBlock {
  std::string label;  // "CERTIFICATE", "CERTIFICATE REQUEST", "PUBLIC KEY", ...
  Bytes der;
};

bool looks_like_pem(ByteView content);

// Every block in `content`; throws InvalidInput naming `origin` when there is none or one is
// broken.
std::vector<PemBlock> decode_pem(ByteView content, const std::string& origin);

std::string encode_pem(const std::string& label, ByteView der);

}  // namespace kpki
