#include "core/x509/pem.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "core/util/error.h"
#include "core/util/ossl_ptr.h"

namespace kpki {

bool looks_like_pem(ByteView content) {
  static constexpr char kMarker[] = "-----BEGIN ";
  auto it = std::search(content.begin(), content.end(), kMarker, kMarker + sizeof kMarker - 1);
  return it != content.end();
}

std::vector<PemBlock> decode_pem(ByteView content, const std::string& origin) {
  BioPtr bio(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  if (!bio) throw_openssl_error(ErrorCode::CryptoError, "out of memory");
  std::vector<PemBlock> blocks;
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;
    if (!PEM_read_bio(bio.get(), &name, &header, &data, &len)) {
      unsigned long err = ERR_peek_last_error();
      bool clean_end = ERR_GET_REASON(err) == PEM_R_NO_START_LINE && !blocks.empty();
      if (clean_end) {
        ERR_clear_error();
        break;
      }
      if (blocks.empty() && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
        throw Error(ErrorCode::InvalidInput, origin + ": no PEM block found");
      }
      throw_openssl_error(ErrorCode::InvalidInput, origin + ": malformed PEM");
    }
    OsslBytesPtr owned_name(reinterpret_cast<unsigned char*>(name));
    OsslBytesPtr owned_header(reinterpret_cast<unsigned char*>(header));
    OsslBytesPtr owned_data(data);
    // RFC 1421 headers (Proc-Type, DEK-Info) mean an encrypted or otherwise transformed body:
    // certificates, CSRs and public keys never have them, and ignoring them would misread it.
    if (header != nullptr && header[0] != '\0') {
      throw Error(ErrorCode::InvalidInput, origin + ": PEM block '" + name +
                                               "' has headers (encrypted PEM is not supported)");
    }
    blocks.push_back(PemBlock{name, Bytes(data, data + len)});
  }
  return blocks;
}

std::string encode_pem(const std::string& label, ByteView der) {
  const std::string begin = "-----BEGIN " + label + "-----\n";
  const std::string end = "-----END " + label + "-----\n";
  std::string pem;
  // Sized once: growing would leave copies of a key's encoding in freed blocks.
  pem.reserve(begin.size() + end.size() + (der.size() + 2) / 3 * 4 + der.size() / 48 + 1);
  pem.append(begin);
  unsigned char line[65];  // base64 in lines of 64 characters, as PEM_write_bio writes them
  for (size_t at = 0; at < der.size(); at += 48) {
    int n = EVP_EncodeBlock(line, der.data() + at,
                            static_cast<int>(std::min<size_t>(48, der.size() - at)));
    pem.append(reinterpret_cast<const char*>(line), static_cast<size_t>(n)).push_back('\n');
  }
  OPENSSL_cleanse(line, sizeof line);
  pem.append(end);
  return pem;
}

namespace {

// Labels of the "-----BEGIN LABEL-----" lines of `content`.
std::vector<std::string> pem_labels(ByteView content) {
  std::string_view text(reinterpret_cast<const char*>(content.data()), content.size());
  static constexpr std::string_view kBegin = "-----BEGIN ";
  std::vector<std::string> labels;
  for (size_t line = 0; line < text.size();) {
    size_t end = text.find('\n', line);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(line, end - line);
    if (l.substr(0, kBegin.size()) == kBegin) {
      std::string_view label = l.substr(kBegin.size());
      labels.emplace_back(label.substr(0, label.find("-----")));
    }
    line = end + 1;
  }
  return labels;
}

// Total length of the DER element at the start of `der`; 0 when its header cannot say (short
// input, indefinite length, multi-byte tag): the parser reports those.
size_t der_element_length(ByteView der) {
  if (der.size() < 2 || (der[0] & 0x1F) == 0x1F) return 0;
  size_t len = der[1];
  size_t header = 2;
  if (len & 0x80) {
    size_t octets = len & 0x7F;
    if (octets == 0 || octets > 4 || der.size() < 2 + octets) return 0;
    len = 0;
    for (size_t i = 0; i < octets; ++i) len = (len << 8) | der[2 + i];
    header += octets;
  }
  return header + len;
}

}  // namespace

std::string single_object_problem(ByteView content, const std::string& origin,
                                  const std::string& what) {
  if (!looks_like_pem(content)) {
    size_t length = der_element_length(content);
    if (length != 0 && length < content.size())
      return "'" + origin + "' has trailing data after the " + what;
    return "";
  }
  size_t blocks = 0;
  for (const auto& label : pem_labels(content)) blocks += label != "EC PARAMETERS";
  if (blocks <= 1) return "";
  return "'" + origin + "' holds " + std::to_string(blocks) + " PEM blocks; expected exactly one " +
         what;
}

void require_single_object(ByteView content, const std::string& origin, const std::string& what) {
  std::string problem = single_object_problem(content, origin, what);
  if (!problem.empty()) throw Error(ErrorCode::InvalidInput, problem);
}

}  // namespace kpki
