#pragma once
// Picks the backend for a key URI by its scheme. A bare path or file:PATH is the OpenSSL file
// backend; botan: and pkcs11: belong to backends that may be compiled out, in which case the
// registry says so instead of guessing.
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/key_manager.h"

namespace kpki {

// "file", "botan" or "pkcs11" (or whatever scheme precedes ':'); "file" for a bare path.
// Throws InvalidInput for an unknown scheme.
std::string key_uri_scheme(std::string_view uri);

// The path of a file: or bare-path URI, or of a botan:PATH URI.
std::string key_uri_path(std::string_view uri);

class KeyRegistry {
 public:
  // Registers `manager` for URIs "scheme:...". Any scheme may be added, so a program that embeds
  // kpki can bring its own backend (examples/embed).
  void add(const std::string& scheme, std::unique_ptr<KeyManager> manager);

  // The manager for `uri`'s scheme. Throws Unsupported ("kpki was built without PKCS#11 support")
  // when that scheme's backend was compiled out.
  KeyManager& manager_for(std::string_view uri) const;

  bool supports(const std::string& scheme) const { return managers_.count(scheme) != 0; }

  // The backend for `uri` as capability `Cap` (TokenLister, KeyLister, ... in
  // core/key_capabilities.h). Throws Unsupported when the backend is compiled out (as
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
  [[noreturn]] static void throw_lacks_capability(std::string_view uri, std::string_view what);

  std::map<std::string, std::unique_ptr<KeyManager>> managers_;
};

}  // namespace kpki
