#include "core/key_registry.h"

#include <cctype>

#include "core/error.h"
#include "core/key_uri_display.h"

namespace kpki {

namespace {

struct KnownScheme {
  std::string_view scheme;
  std::string_view feature;
};
constexpr KnownScheme kKnownSchemes[] = {
    {"file", "OpenSSL file key"}, {"botan", "Botan"}, {"pkcs11", "PKCS#11"}, {"libp11", "libp11"}};

bool looks_like_scheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return false;
  }
  return true;
}

}  // namespace

std::string key_uri_scheme(std::string_view uri) {
  if (uri.empty()) throw Error(ErrorCode::InvalidInput, "empty key URI");
  auto colon = uri.find(':');
  if (colon == std::string_view::npos) return "file";
  std::string_view prefix = uri.substr(0, colon);
  for (const auto& known : kKnownSchemes) {
    if (prefix == known.scheme) return std::string(prefix);
  }
  if (!looks_like_scheme(prefix) || prefix.find('/') != std::string_view::npos) return "file";
  throw Error(ErrorCode::InvalidInput,
              "unknown key URI scheme '" + std::string(prefix) + "' in '" + redact_key_uri(uri) +
                  "' (expected a path, file:PATH, botan:PATH, pkcs11:... or libp11:...)");
}

std::string key_uri_path(std::string_view uri) {
  for (std::string_view prefix : {"file:", "botan:"}) {
    if (uri.substr(0, prefix.size()) == prefix) {
      std::string_view path = uri.substr(prefix.size());
      if (path.substr(0, 2) == "//") path.remove_prefix(2);  // file:///abs -> /abs
      if (path.empty())
        throw Error(ErrorCode::InvalidInput, "key URI '" + redact_key_uri(uri) + "' has no path");
      return std::string(path);
    }
  }
  return std::string(uri);
}

void KeyRegistry::add(const std::string& scheme, std::unique_ptr<KeyManager> manager) {
  managers_[scheme] = std::move(manager);
}

KeyManager& KeyRegistry::manager_for(std::string_view uri) const {
  // A scheme added by a program that embeds kpki (its own backend) is not one key_uri_scheme
  // knows: look the URI's prefix up among the registered ones first.
  if (auto colon = uri.find(':'); colon != std::string_view::npos) {
    auto it = managers_.find(std::string(uri.substr(0, colon)));
    if (it != managers_.end()) return *it->second;
  }
  std::string scheme = key_uri_scheme(uri);
  auto it = managers_.find(scheme);
  if (it != managers_.end()) return *it->second;
  std::string feature = scheme;
  for (const auto& known : kKnownSchemes) {
    if (known.scheme == scheme) feature = known.feature;
  }
  throw Error(ErrorCode::Unsupported, "kpki was built without " + feature + " support (key URI '" +
                                          redact_key_uri(uri) + "')");
}

void KeyRegistry::throw_lacks_capability(std::string_view uri, std::string_view what) {
  throw Error(ErrorCode::Unsupported, "the " + key_uri_scheme(uri) + " key backend cannot " +
                                          std::string(what) + " (key URI '" + redact_key_uri(uri) +
                                          "')");
}

std::unique_ptr<Signer> KeyRegistry::open_or_generate(const std::string& uri, Algorithm algorithm,
                                                      const KeyOptions& options,
                                                      bool* created) const {
  KeyManager& manager = manager_for(uri);
  bool present = manager.exists(uri, options);
  if (created) *created = !present;
  return present ? manager.open(uri, options) : manager.generate(uri, algorithm, options);
}

}  // namespace kpki
