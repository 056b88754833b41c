#pragma once
// PEM armour: splitting a file into typed blocks and wrapping DER. Decoding is strict: a block
// that is not valid base64, or junk between blocks, is an error naming the file.
#include <string>
#include <vector>

#include "core/util/bytes.h"

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

// A file that must hold one object (a certificate, CSR or key) and holds several is ambiguous:
// reading "the first one" may not be what the writer meant, and another tool may read another.
// Returns "" when `content` holds exactly one PEM block (EC PARAMETERS blocks, which `openssl
// ecparam -genkey` writes before the key, aside) or is DER with nothing after its outer element;
// otherwise the one-line error, e.g. "'x.pem' holds 2 PEM blocks; expected exactly one
// certificate". Blocks are counted, not decoded (key files pass here), and the check does not
// throw so that a key loader can wipe the bytes first.
std::string single_object_problem(ByteView content, const std::string& origin,
                                  const std::string& what);
// Throws InvalidInput with single_object_problem's message, if any.
void require_single_object(ByteView content, const std::string& origin, const std::string& what);

}  // namespace kpki
