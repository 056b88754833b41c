#include "core/pem.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "core/ossl_ptr.h"

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
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      !PEM_write_bio(bio.get(), label.c_str(), "", der.data(), static_cast<long>(der.size()))) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot write PEM");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace kpki
