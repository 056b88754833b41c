#include "core/keys/key_scheme.h"

namespace kpki {

KeyScheme::KeyScheme(std::string name, std::string display_name)
    : name_(std::move(name)),
      display_name_(display_name.empty() ? name_ : std::move(display_name)) {}

std::string KeyScheme::resolve_relative(const std::string& uri, const std::string&) const {
  return uri;
}

std::optional<std::string> KeyScheme::rotated_key_uri(const std::string&, int,
                                                      const std::string&) const {
  return std::nullopt;
}

std::optional<std::string> KeyScheme::key_file(const std::string&) const { return std::nullopt; }

}  // namespace kpki
