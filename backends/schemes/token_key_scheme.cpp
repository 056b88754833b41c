#include "backends/schemes/token_key_scheme.h"

#include <filesystem>
#include <regex>

#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki {

namespace {

// pin-source=file:REL or module-path=REL (or a bare relative path) inside the URI, with `key`
// "pin-source=" or "module-path=". Outside a config a relative module-path is refused.
std::string resolve_path_attr(std::string uri, const std::string& key,
                              const std::string& base_dir) {
  auto pos = uri.find(key);
  if (pos == std::string::npos) return uri;
  auto start = pos + key.size();
  auto end = uri.find_first_of("&;", start);
  std::string value = uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
  std::string prefix;
  if (value.rfind("file:", 0) == 0) {
    prefix = "file:";
    value = value.substr(5);
  }
  if (value.empty() || value.front() == '/') return uri;
  std::string resolved =
      prefix + (std::filesystem::path(base_dir) / value).lexically_normal().string();
  return uri.substr(0, start) + resolved + (end == std::string::npos ? "" : uri.substr(end));
}

}  // namespace

std::string TokenKeyScheme::resolve_relative(const std::string& uri,
                                             const std::string& base_dir) const {
  return resolve_path_attr(resolve_path_attr(uri, "pin-source=", base_dir),
                           "module-path=", base_dir);
}

std::optional<std::string> TokenKeyScheme::rotated_key_uri(const std::string& old_uri, int number,
                                                           const std::string&) const {
  size_t query = old_uri.find('?');
  std::string path = old_uri.substr(0, query);
  std::string rest = query == std::string::npos ? "" : old_uri.substr(query);
  std::smatch m;
  static const std::regex object(R"((^|[:;])object=([^;]*))");
  if (!std::regex_search(path, m, object))
    throw Error(ErrorCode::InvalidInput, "key URI '" + redact_key_uri(path) +
                                             "' has no object= label: a rotation names the new "
                                             "key after the old one");
  std::string label = std::regex_replace(m[2].str(), std::regex(R"(-r[0-9]+$)"), "");
  path = m.prefix().str() + m[1].str() + "object=" + label + "-r" + std::to_string(number) +
         m.suffix().str();
  path = std::regex_replace(path, std::regex(R"(;id=[^;]*|(:)id=[^;]*;?)"), "$1");
  return path + rest;
}

}  // namespace kpki
