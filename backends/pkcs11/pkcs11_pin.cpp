#include "backends/pkcs11/pkcs11_pin.h"

#include <unistd.h>

#include <atomic>

#include "backends/pkcs11/pkcs11_warning.h"
#include "core/util/error.h"

namespace kpki {

PinSource PinSource::from_uri(const Pkcs11Uri& uri) {
  PinSource source;
  if (uri.pin_source) {
    source.kind_ = Kind::File;
    source.path_ = *uri.pin_source;
  } else if (uri.pin_value) {
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true)) {
      pkcs11_warn(
          "pin-value puts the PIN in the process listing and shell history; use "
          "pin-source=file:PATH instead");
    }
    source.kind_ = Kind::Value;
    source.value_ = std::make_shared<const Secret>(std::string(uri.pin_value->reveal()));
  }
  return source;
}

Secret PinSource::obtain(const std::string& token) const {
  switch (kind_) {
    case Kind::File:
      return read_secret_file(path_, "PIN file");
    case Kind::Value:
      return Secret(std::string(value_->reveal()));
    case Kind::Prompt:
      break;
  }
  if (!isatty(STDIN_FILENO)) {
    throw Error(
        ErrorCode::InvalidInput,
        "no PIN for " + token +
            ": add ?pin-source=file:PATH to the key URI (stdin is not a terminal to ask on)");
  }
  return prompt_secret("PIN for " + token);
}

}  // namespace kpki
