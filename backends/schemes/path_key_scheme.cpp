#include "backends/schemes/path_key_scheme.h"

#include <filesystem>

#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki {

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

PathKeyScheme::PathKeyScheme(std::string name, std::string display_name, Traits traits)
    : KeyScheme(std::move(name), std::move(display_name)), traits_(traits) {}

std::string PathKeyScheme::uri_for(const std::string& path) const {
  return traits_.takes_bare_paths ? path : name() + ":" + path;
}

std::string PathKeyScheme::resolve_relative(const std::string& uri,
                                            const std::string& base_dir) const {
  std::string path = key_uri_path(uri);
  if (path.front() != '/')
    path = (std::filesystem::path(base_dir) / path).lexically_normal().string();
  return uri_for(path);
}

std::optional<std::string> PathKeyScheme::rotated_key_uri(const std::string&, int,
                                                          const std::string& dir) const {
  return uri_for(dir + "/new.key");
}

std::optional<std::string> PathKeyScheme::key_file(const std::string& uri) const {
  return key_uri_path(uri);
}

}  // namespace kpki
