#include "core/util/error.h"

#include <openssl/err.h>

namespace kpki {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidInput:
      return "invalid input";
    case ErrorCode::NotFound:
      return "not found";
    case ErrorCode::AlreadyExists:
      return "already exists";
    case ErrorCode::Unsupported:
      return "unsupported";
    case ErrorCode::PinIncorrect:
      return "PIN incorrect";
    case ErrorCode::DeviceError:
      return "device error";
    case ErrorCode::CryptoError:
      return "crypto error";
  }
  return "error";
}

static std::string compose(const std::string& message, const std::string& cause) {
  return cause.empty() ? message : message + ": " + cause;
}

Error::Error(ErrorCode code, std::string message, std::string cause)
    : std::runtime_error(compose(message, cause)),
      code_(code),
      message_(std::move(message)),
      cause_(std::move(cause)) {}

Error file_already_exists(const std::string& path, const std::string& what) {
  std::string named = (what.empty() ? "" : what + " ") + "'" + path + "'";
  return Error(ErrorCode::AlreadyExists, named + " already exists").with_existing_file(path);
}

std::string drain_openssl_errors() {
  std::string out;
  unsigned long err;
  while ((err = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

void throw_openssl_error(ErrorCode code, std::string message) {
  throw Error(code, std::move(message), drain_openssl_errors());
}

}  // namespace kpki
