#pragma once
// The one error type of kpki: a backend-neutral code, a one-line message naming the file, URI or
// field at fault, and the underlying cause (OpenSSL error queue, CK_RV name, Botan exception).
// Callers match the code and the structured fields below, never the text; words for the user
// (hints such as "use --force") are the CLI's to add.
#include <optional>
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

  // The device's own status code (a PKCS#11 CK_RV), kept as a number so callers compare values,
  // not names; empty when the error did not come from a device.
  std::optional<unsigned long> device_code() const noexcept { return device_code_; }
  Error&& with_device_code(unsigned long code) && {
    device_code_ = code;
    return std::move(*this);
  }

  // For AlreadyExists: the file found in the way, which the caller may choose to overwrite
  // (a token object is never overwritten, so it leaves this empty).
  const std::string& existing_file() const noexcept { return existing_file_; }
  Error&& with_existing_file(std::string path) && {
    existing_file_ = std::move(path);
    return std::move(*this);
  }

  // A CA rotation stands in the way (core/kubernetes/rotate/state.h): the CA being rotated and
  // the phase to run next ("begin", "reissue", "finish"); both empty otherwise.
  const std::string& rotating_ca() const noexcept { return rotating_ca_; }
  const std::string& rotation_next_phase() const noexcept { return rotation_next_phase_; }
  Error&& with_rotation(std::string ca, std::string next_phase) && {
    rotating_ca_ = std::move(ca);
    rotation_next_phase_ = std::move(next_phase);
    return std::move(*this);
  }

 private:
  ErrorCode code_;
  std::string message_;
  std::string cause_;
  std::optional<unsigned long> device_code_;
  std::string existing_file_;
  std::string rotating_ca_;
  std::string rotation_next_phase_;
};

// AlreadyExists for the file at `path` ("'PATH' already exists"), with existing_file() set.
Error file_already_exists(const std::string& path, const std::string& what = {});

// Drains OpenSSL's thread-local error queue into one line ("" when empty).
std::string drain_openssl_errors();

// Throws Error(code, message, drain_openssl_errors()).
[[noreturn]] void throw_openssl_error(ErrorCode code, std::string message);

}  // namespace kpki
