#pragma once
// The one error type of kpki: a backend-neutral code, a one-line message naming the file, URI or
// field at fault, and the underlying cause (OpenSSL error queue, CK_RV name, Botan exception).
#include <stdexcept>
#include <string>
#include <string_view>

namespace kpki {

enum class ErrorCode {
  InvalidInput,
  NotFound,
  AlreadyExists,
  Unsupported,
  PinIncorrect,
  DeviceError,
  CryptoError,
};

std::string_view to_string(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::string cause = {});

  ErrorCode code() const noexcept { return code_; }
  // What went wrong, in kpki's words.
  const std::string& message() const noexcept { return message_; }
  // What the library underneath said; may be empty.
  const std::string& cause() const noexcept { return cause_; }

 private:
  ErrorCode code_;
  std::string message_;
  std::string cause_;
};

// Drains OpenSSL's thread-local error queue into one line ("" when empty).
std::string drain_openssl_errors();

// Throws Error(code, message, drain_openssl_errors()).
[[noreturn]] void throw_openssl_error(ErrorCode code, std::string message);

}  // namespace kpki
