#include "core/secret.h"

#include <openssl/crypto.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "core/error.h"
#include "core/file_io.h"

namespace kpki {

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    other.wipe();
  }
  return *this;
}

void Secret::wipe() {
  if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
  value_.clear();
}

Secret read_secret_file(const std::string& path) {
  Bytes raw = read_file(path);
  std::string value(raw.begin(), raw.end());
  OPENSSL_cleanse(raw.data(), raw.size());
  auto newline = value.find_first_of("\r\n");
  if (newline != std::string::npos) {
    OPENSSL_cleanse(value.data() + newline, value.size() - newline);
    value.resize(newline);
  }
  if (value.empty()) throw Error(ErrorCode::InvalidInput, "secret file '" + path + "' is empty");
  return Secret(std::move(value));
}

Secret prompt_secret(std::string_view prompt) {
  if (!isatty(STDIN_FILENO)) {
    throw Error(ErrorCode::InvalidInput,
                std::string(prompt) + " needed but there is no terminal to ask on (give a file)");
  }
  std::cerr << prompt << ": " << std::flush;
  termios old_mode{};
  tcgetattr(STDIN_FILENO, &old_mode);
  termios quiet = old_mode;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  std::string value;
  std::getline(std::cin, value);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &old_mode);
  std::cerr << "\n";
  return Secret(std::move(value));
}

}  // namespace kpki
