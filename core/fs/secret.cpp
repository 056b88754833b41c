#include "core/fs/secret.h"

#include <openssl/crypto.h>

#include "core/fs/file_io.h"
#include "core/fs/file_permissions.h"
#include "core/util/error.h"

namespace kpki {

namespace {

// The whole buffer, not just size(): what a moved-from or shrunk string held stays in its
// capacity (and a short string's characters live in the object itself).
void wipe_string(std::string& s) {
  OPENSSL_cleanse(s.data(), s.capacity());
  s.clear();
}

}  // namespace

Secret::Secret(std::string&& value) : value_(std::move(value)) { wipe_string(value); }

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    other.wipe();
  }
  return *this;
}

void Secret::wipe() { wipe_string(value_); }

WipeOnExit::~WipeOnExit() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

Secret read_secret_file(const std::string& path, std::string_view what) {
  require_private_file(path, what);
  Bytes raw = read_file(path);
  std::string value(raw.begin(), raw.end());
  OPENSSL_cleanse(raw.data(), raw.size());
  auto newline = value.find_first_of("\r\n");
  if (newline != std::string::npos) {
    OPENSSL_cleanse(value.data() + newline, value.size() - newline);
    value.resize(newline);
  }
  if (value.empty())
    throw Error(ErrorCode::InvalidInput, std::string(what) + " '" + path + "' is empty");
  return Secret(std::move(value));
}

namespace {
SecretPrompt g_secret_prompt = nullptr;
}  // namespace

void install_secret_prompt(SecretPrompt prompt) { g_secret_prompt = prompt; }

Secret prompt_secret(std::string_view prompt) {
  if (!g_secret_prompt)
    throw Error(ErrorCode::InvalidInput,
                std::string(prompt) + " needed but this program cannot ask for it (give a file)");
  return g_secret_prompt(prompt);
}

}  // namespace kpki
