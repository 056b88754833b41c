#include "core/x509/strict_der.h"

#include <openssl/err.h>

#include <algorithm>

#include "core/util/error.h"

namespace kpki {

namespace {

// i2d into an owned buffer; empty on failure.
template <class T, class Encode>
Bytes encode(T* object, Encode encode_fn) {
  unsigned char* out = nullptr;
  int len = encode_fn(object, &out);
  if (len <= 0) return {};
  OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

void compare(const Bytes& canonical, ByteView der, const std::string& origin, const char* what) {
  if (canonical.empty()) {
    throw_openssl_error(ErrorCode::InvalidInput, origin + ": cannot re-encode the " + what);
  }
  if (!std::equal(canonical.begin(), canonical.end(), der.begin(), der.end())) {
    ERR_clear_error();
    throw Error(ErrorCode::InvalidInput,
                origin + ": the " + what +
                    " is not DER-encoded (non-canonical lengths, booleans or defaults)");
  }
}

}  // namespace

void require_canonical_der(const X509* parsed, ByteView der, const std::string& origin) {
  // The copy's TBS is marked modified by i2d_re_X509_tbs, so i2d_X509 then encodes every field
  // afresh instead of replaying the cached (possibly BER) bytes.
  X509Ptr copy(X509_dup(parsed));
  if (!copy) throw_openssl_error(ErrorCode::InvalidInput, origin + ": cannot copy certificate");
  if (i2d_re_X509_tbs(copy.get(), nullptr) <= 0) {
    throw_openssl_error(ErrorCode::InvalidInput, origin + ": cannot re-encode the certificate");
  }
  compare(encode(copy.get(), i2d_X509), der, origin, "certificate");
}

void require_canonical_der(const X509_REQ* parsed, ByteView der, const std::string& origin) {
  X509ReqPtr copy(X509_REQ_dup(parsed));
  if (!copy) throw_openssl_error(ErrorCode::InvalidInput, origin + ": cannot copy the CSR");
  if (i2d_re_X509_REQ_tbs(copy.get(), nullptr) <= 0) {
    throw_openssl_error(ErrorCode::InvalidInput, origin + ": cannot re-encode the CSR");
  }
  compare(encode(copy.get(), i2d_X509_REQ), der, origin, "CSR");
}

}  // namespace kpki
