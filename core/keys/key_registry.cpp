#include "core/keys/key_registry.h"

#include <cctype>

#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki {

namespace {

bool looks_like_scheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return false;
  }
  return true;
}

}  // namespace

void KeyRegistry::add(const std::string& scheme, std::unique_ptr<KeyManager> manager) {
  Entry& entry = entries_[scheme];
  if (!entry.scheme) entry.scheme = std::make_unique<KeyScheme>(scheme);
  entry.manager = std::move(manager);
}

void KeyRegistry::add(std::unique_ptr<KeyScheme> scheme, std::unique_ptr<KeyManager> manager) {
  const std::string name = scheme->name();
  entries_[name] = Entry{std::move(scheme), std::move(manager)};
}

const KeyScheme& KeyRegistry::scheme_for(std::string_view uri) const {
  if (uri.empty()) throw Error(ErrorCode::InvalidInput, "empty key URI");
  auto colon = uri.find(':');
  std::string_view prefix = colon == std::string_view::npos ? "" : uri.substr(0, colon);
  if (auto it = entries_.find(prefix); !prefix.empty() && it != entries_.end())
    return *it->second.scheme;
  if (looks_like_scheme(prefix)) {
    std::string known;
    for (const auto& [name, entry] : entries_) known += name + ":..., ";
    throw Error(ErrorCode::InvalidInput, "unknown key URI scheme '" + std::string(prefix) +
                                             "' in '" + redact_key_uri(uri) + "' (expected " +
                                             known + "or a path)");
  }
  for (const auto& [name, entry] : entries_) {
    if (entry.scheme->takes_bare_paths()) return *entry.scheme;
  }
  throw Error(ErrorCode::InvalidInput,
              "key URI '" + redact_key_uri(uri) + "' names no scheme (expected scheme:...)");
}

KeyManager& KeyRegistry::manager_for(std::string_view uri) const {
  const KeyScheme& scheme = scheme_for(uri);
  const Entry& entry = entries_.find(scheme.name())->second;
  if (entry.manager) return *entry.manager;
  throw Error(ErrorCode::Unsupported, "kpki was built without " + scheme.display_name() +
                                          " support (key URI '" + redact_key_uri(uri) + "')");
}

bool KeyRegistry::supports(const std::string& scheme) const {
  auto it = entries_.find(scheme);
  return it != entries_.end() && it->second.manager;
}

void KeyRegistry::throw_lacks_capability(std::string_view uri, std::string_view what) const {
  throw Error(ErrorCode::Unsupported, "the " + scheme_of(uri) + " key backend cannot " +
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
