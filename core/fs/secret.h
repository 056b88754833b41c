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

// Asks the user for a secret through the prompt the program installed (the kpki CLI installs its
// terminal prompt, cli/terminal_prompt.h); a library has no terminal of its own. Throws
// InvalidInput when none is installed or it cannot ask.
using SecretPrompt = Secret (*)(std::string_view prompt);
void install_secret_prompt(SecretPrompt prompt);
Secret prompt_secret(std::string_view prompt);

}  // namespace kpki
