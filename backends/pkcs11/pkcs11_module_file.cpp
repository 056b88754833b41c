#include "backends/pkcs11/pkcs11_module_file.h"

#include <p11-kit/p11-kit.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "core/error.h"
#include "core/file_permissions.h"

namespace kpki {

namespace {

struct FreeDeleter {
  void operator()(char* p) const noexcept { std::free(p); }
};
using CString = std::unique_ptr<char, FreeDeleter>;

[[noreturn]] void refuse(const std::string& module, const std::string& why) {
  throw Error(ErrorCode::InvalidInput,
              "refusing to load PKCS#11 module '" + module + "': " + why + " (not loaded)");
}

// One file or directory on the way to the module: owned by root or us, not writable by others.
// A sticky directory (/tmp) is the exception: others may add entries there but cannot rename or
// remove ours, and the entry below it on the way is checked in its own right.
void check_owner_and_mode(const std::string& module, const std::string& path, const struct stat& st,
                          const char* what) {
  if (st.st_uid != 0 && st.st_uid != geteuid()) {
    refuse(module, std::string(what) + " '" + path + "' is owned by uid " +
                       std::to_string(st.st_uid) + ", not by root or the invoking user");
  }
  bool sticky_directory = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !sticky_directory) {
    refuse(module, std::string(what) + " '" + path + "' is mode " + octal_mode(st.st_mode) +
                       ": writable by " + ((st.st_mode & S_IWOTH) ? "others" : "group"));
  }
}

}  // namespace

std::string pkcs11_module_for_name(const std::string& name) {
  // Loads (dlopen, no C_Initialize) the modules p11-kit's registry lists: root-owned config in
  // /usr/share/p11-kit/modules and /etc/pkcs11/modules. The list is kept, never released: like
  // Pkcs11Module, a loaded module is not unloaded (see pkcs11_module.h).
  static CK_FUNCTION_LIST** registered = p11_kit_modules_load(nullptr, P11_KIT_MODULE_UNMANAGED);
  if (!registered) {
    const char* why = p11_kit_message();
    throw Error(ErrorCode::DeviceError, "cannot read p11-kit's module registry", why ? why : "");
  }
  CK_FUNCTION_LIST* module = p11_kit_module_for_name(registered, name.c_str());
  if (!module) {
    std::string names;
    for (CK_FUNCTION_LIST** m = registered; *m; ++m) {
      CString n(p11_kit_module_get_name(*m));
      if (n) names += (names.empty() ? "" : ", ") + std::string(n.get());
    }
    throw Error(ErrorCode::NotFound, "no PKCS#11 module named '" + name +
                                         "' in p11-kit's registry (registered: " +
                                         (names.empty() ? "none" : names) + ")");
  }
  CString file(p11_kit_module_get_filename(module));
  if (!file) {
    throw Error(ErrorCode::NotFound, "p11-kit names no file for PKCS#11 module '" + name + "'");
  }
  return file.get();
}

void require_safe_module_file(const std::string& path) {
  if (path.empty() || path.front() != '/') {
    refuse(path, "module-path must be absolute (or name the module with module-name=)");
  }
  std::error_code ec;
  std::filesystem::path real = std::filesystem::canonical(path, ec);
  if (ec) throw Error(ErrorCode::NotFound, "PKCS#11 module '" + path + "' does not exist");
  struct stat st {};
  if (stat(real.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    refuse(path, "'" + real.string() + "' is not a regular file");
  }
  check_owner_and_mode(path, real.string(), st, "file");
  // Whoever can write a directory on the way can swap the file for another.
  for (auto dir = real.parent_path();; dir = dir.parent_path()) {
    if (stat(dir.c_str(), &st) != 0) refuse(path, "cannot stat directory '" + dir.string() + "'");
    check_owner_and_mode(path, dir.string(), st, "directory");
    if (dir == dir.root_path()) break;
  }
}

}  // namespace kpki
