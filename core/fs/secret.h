#pragma once
// Secrets (PINs, passphrases) in memory: wiped with OPENSSL_cleanse when dropped, never printed.
#include <string>
#include <string_view>

#include "core/util/bytes.h"

namespace kpki {

class Secret {
 public:
  Secret() = default;
  // Takes the characters and wipes `value`'s buffer: a short string lives inside the std::string
  // object itself, where a plain move would leave a copy behind.
  explicit Secret(std::string&& value);
  explicit Secret(const std::string& value) : value_(value) {}
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

// Wipes key material held in `bytes` when the scope ends, however it ends.
class WipeOnExit {
 public:
  explicit WipeOnExit(Bytes& bytes) : bytes_(bytes) {}
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;
  ~WipeOnExit();

 private:
  Bytes& bytes_;
};

// Reads a secret from a file (first line, trailing CR/LF removed). Errors name the file, never the
// content. A file that group or others can access is refused (core/fs/file_permissions.h); `what`
// names the file in that error ("PIN file").
Secret read_secret_file(const std::string& path, std::string_view what = "passphrase file");

// Reads a secret from the terminal without echo (cli/terminal_prompt.cpp); throws InvalidInput
// when stdin is not a terminal.
Secret prompt_secret(std::string_view prompt);

}  // namespace kpki
