#pragma once
// Secrets (PINs, passphrases) in memory: wiped with OPENSSL_cleanse when dropped, never printed.
#include <string>
#include <string_view>

namespace kpki {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  ~Secret() { wipe(); }

  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  void wipe();

 private:
  std::string value_;
};

// Reads a secret from a file (first line, trailing CR/LF removed). Errors name the file, never the
// content.
Secret read_secret_file(const std::string& path);

// Reads a secret from the terminal without echo; throws InvalidInput when stdin is not a terminal.
Secret prompt_secret(std::string_view prompt);

}  // namespace kpki
