#include "backends/pkcs11/p11kit_registry.h"

#include <pwd.h>
#include <sys/auxv.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

// Compiled in from p11-kit's pkg-config file (backends/CMakeLists.txt); these are p11-kit 0.24's
// Debian/Ubuntu defaults.
#ifndef KPKI_P11_PACKAGE_MODULES
#define KPKI_P11_PACKAGE_MODULES "/usr/share/p11-kit/modules"
#endif
#ifndef KPKI_P11_SYSTEM_CONFIG
#define KPKI_P11_SYSTEM_CONFIG "/etc/pkcs11"
#endif
#ifndef KPKI_P11_MODULE_PATH
#define KPKI_P11_MODULE_PATH "/usr/lib/x86_64-linux-gnu/pkcs11"
#endif

namespace kpki {

namespace {

namespace fs = std::filesystem;

using Fields = std::map<std::string, std::string>;

std::string trimmed(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// "name: value" lines, '#' comments (p11-kit's lexer). A file that cannot be read has no fields.
Fields read_fields(const fs::path& file) {
  Fields fields;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    line = trimmed(line);
    std::size_t colon = line.find(':');
    if (line.empty() || line[0] == '#' || colon == std::string::npos) continue;
    fields.emplace(trimmed(line.substr(0, colon)), trimmed(line.substr(colon + 1)));
  }
  return fields;
}

// "~/.config/..." as p11-kit expands it: $XDG_CONFIG_HOME for .config, else $HOME, else the
// password database.
std::optional<fs::path> user_config_dir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return fs::path(xdg) / "pkcs11";
  if (const char* home = std::getenv("HOME"); home && *home) {
    return fs::path(home) / ".config" / "pkcs11";
  }
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) {
    return fs::path(pw->pw_dir) / ".config" / "pkcs11";
  }
  return std::nullopt;
}

enum class UserMode { None, Merge, Only };

UserMode user_mode_of(const Fields& config, UserMode fallback) {
  auto it = config.find("user-config");
  if (it == config.end()) return fallback;
  if (it->second == "none") return UserMode::None;
  if (it->second == "merge") return UserMode::Merge;
  if (it->second == "only" || it->second == "override") return UserMode::Only;
  return fallback;
}

// Whether user configs count: pkcs11.conf's user-config, system file first, then the user's.
UserMode user_mode(const std::optional<fs::path>& user_dir) {
  UserMode mode =
      user_mode_of(read_fields(fs::path(KPKI_P11_SYSTEM_CONFIG) / "pkcs11.conf"), UserMode::Merge);
  if (mode == UserMode::None || getauxval(AT_SECURE) != 0 || ::getuid() == 0 ||
      std::getenv("P11_KIT_NO_USER_CONFIG") != nullptr || !user_dir) {
    return UserMode::None;
  }
  return user_mode_of(read_fields(*user_dir / "pkcs11.conf"), mode);
}

// p11-kit's rule for a config file name: alphanumeric first, then [alnum _ - .], ".module".
std::optional<std::string> module_name_of(const std::string& file) {
  static const std::string suffix = ".module";
  if (file.size() <= suffix.size() ||
      file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  if (!std::isalnum(static_cast<unsigned char>(file[0]))) return std::nullopt;
  for (char c : file) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return std::nullopt;
  }
  return file.substr(0, file.size() - suffix.size());
}

bool listed(const std::string& list, const std::string& word) {
  std::string item;
  std::istringstream in(list);
  while (std::getline(in, item, ',')) {
    std::istringstream words(item);
    std::string w;
    while (words >> w) {
      if (w == word) return true;
    }
  }
  return false;
}

struct Entry {
  Fields fields;
  std::map<std::string, fs::path> source;  // field -> the file that set it
  fs::path first_file;
};

void read_directory(const fs::path& dir, std::map<std::string, Entry>& entries) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_directory(ec)) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::optional<std::string> name = module_name_of(file.filename().string());
    if (!name) continue;
    Entry& entry = entries[*name];
    if (entry.first_file.empty()) entry.first_file = file;
    for (const auto& [key, value] : read_fields(file)) {
      if (entry.fields.emplace(key, value).second) entry.source[key] = file;
    }
  }
}

}  // namespace

std::vector<RegisteredModule> p11kit_registered_modules() {
  const std::optional<fs::path> user_dir = user_config_dir();
  const UserMode mode = user_mode(user_dir);
  std::map<std::string, Entry> entries;
  if (mode != UserMode::None) read_directory(*user_dir / "modules", entries);
  if (mode != UserMode::Only) {
    read_directory(fs::path(KPKI_P11_SYSTEM_CONFIG) / "modules", entries);
    read_directory(KPKI_P11_PACKAGE_MODULES, entries);
  }
  std::vector<RegisteredModule> out;
  for (const auto& [name, entry] : entries) {
    RegisteredModule m;
    m.name = name;
    m.config_file = entry.first_file.string();
    auto field = [&](const char* key) -> const std::string* {
      auto it = entry.fields.find(key);
      return it == entry.fields.end() ? nullptr : &it->second;
    };
    if (const std::string* module = field("module"); module && !module->empty()) {
      fs::path p(*module);
      m.module = (p.is_absolute() ? p : fs::path(KPKI_P11_MODULE_PATH) / p).string();
      m.config_file = entry.source.at("module").string();
    }
    m.remote = field("remote") != nullptr;
    const std::string* enable_in = field("enable-in");
    const std::string* disable_in = field("disable-in");
    if (enable_in) m.in_proxy = listed(*enable_in, "p11-kit-proxy");
    if (disable_in && listed(*disable_in, "p11-kit-proxy")) m.in_proxy = false;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace kpki
