#pragma once
// Picks the backend for a key URI by its scheme, and the scheme's descriptor
// (core/keys/key_scheme.h) that answers what core asks of such a URI. Every scheme is registered
// (backends/backends.cpp for the built-in ones); a backend compiled out keeps its descriptor, so
// the registry says "kpki was built without ... support" instead of guessing. Core names no scheme.
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/keys/key_manager.h"
#include "core/keys/key_scheme.h"

namespace kpki {

class KeyRegistry {
 public:
  // Registers `manager` for URIs "scheme:...". Any scheme may be added, so a program that embeds
  // kpki can bring its own backend (examples/embed). It keeps the descriptor registered for
  // `scheme` before, else gets the default one (not a file, not a token, nothing relative).
  void add(const std::string& scheme, std::unique_ptr<KeyManager> manager);

  // Registers a scheme with its descriptor; `manager` is null for a backend compiled out.
  void add(std::unique_ptr<KeyScheme> scheme, std::unique_ptr<KeyManager> manager);

  // The descriptor of `uri`'s scheme: the registered scheme before ':', else the one that takes
  // bare paths. Throws InvalidInput for an empty URI or a scheme nobody registered.
  const KeyScheme& scheme_for(std::string_view uri) const;

  // The name of `uri`'s scheme (for a bare path: the scheme that takes bare paths, file).
  const std::string& scheme_of(std::string_view uri) const { return scheme_for(uri).name(); }

  // The manager for `uri`'s scheme. Throws Unsupported ("kpki was built without PKCS#11 support")
  // when that scheme's backend was compiled out.
  KeyManager& manager_for(std::string_view uri) const;

  // True when `scheme` has a manager in this build.
  bool supports(const std::string& scheme) const;

  // The backend for `uri` as capability `Cap` (TokenLister, KeyLister, ... in
  // core/keys/key_capabilities.h). Throws Unsupported when the backend is compiled out (as
  // manager_for does) or does not offer `Cap` (`what` names the capability in that error).
  template <class Cap>
  Cap& capability(std::string_view uri, std::string_view what) const {
    KeyManager& manager = manager_for(uri);
    if (auto* cap = dynamic_cast<Cap*>(&manager)) return *cap;
    throw_lacks_capability(uri, what);
  }

  // The same, or null when the backend does not offer `Cap` (an optional step).
  template <class Cap>
  Cap* find_capability(std::string_view uri) const {
    return dynamic_cast<Cap*>(&manager_for(uri));
  }

  // Opens the key at `uri`, or generates it with `algorithm` when absent. *created tells which.
  std::unique_ptr<Signer> open_or_generate(const std::string& uri, Algorithm algorithm,
                                           const KeyOptions& options,
                                           bool* created = nullptr) const;

 private:
  [[noreturn]] void throw_lacks_capability(std::string_view uri, std::string_view what) const;

  struct Entry {
    std::unique_ptr<KeyScheme> scheme;
    std::unique_ptr<KeyManager> manager;  // null: compiled out
  };
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace kpki
