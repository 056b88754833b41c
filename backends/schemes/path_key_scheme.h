#pragma once
// The scheme descriptor of a backend whose keys are files: file:PATH (or a bare path) for the
// OpenSSL file backend, botan:PATH for Botan. Plain string work, so a build without the backend
// still registers it and says "built without ... support".
#include <string>
#include <string_view>

#include "core/keys/key_scheme.h"

namespace kpki {

// The path of a file:PATH (file:///abs too), botan:PATH or bare-path URI. Throws InvalidInput for
// a scheme with no path.
std::string key_uri_path(std::string_view uri);

class PathKeyScheme final : public KeyScheme {
 public:
  struct Traits {
    bool takes_bare_paths = false;  // a URI with no scheme is this backend's (the file backend)
    bool copies_key_file = false;   // its key files are copied into a tree's nodes
  };
  PathKeyScheme(std::string name, std::string display_name, Traits traits);

  bool takes_bare_paths() const override { return traits_.takes_bare_paths; }
  bool copies_key_file() const override { return traits_.copies_key_file; }
  std::string resolve_relative(const std::string& uri, const std::string& base_dir) const override;
  std::optional<std::string> rotated_key_uri(const std::string& old_uri, int number,
                                             const std::string& dir) const override;
  std::optional<std::string> key_file(const std::string& uri) const override;

 private:
  // How this backend's URIs are written: a bare path, or "botan:" + path.
  std::string uri_for(const std::string& path) const;

  Traits traits_;
};

}  // namespace kpki
