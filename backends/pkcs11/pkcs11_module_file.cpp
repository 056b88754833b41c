#include "backends/pkcs11/pkcs11_module_file.h"

#include <algorithm>

#include "backends/pkcs11/p11kit_registry.h"
#include "core/fs/trusted_library.h"
#include "core/util/error.h"

namespace kpki {

namespace {

// The name kpki picks when nothing names a module and p11-kit registers several: the module of
// kpki's own HSM setup (hsm-setup/, docs/hsm.md) and of Debian's softhsm2 package.
constexpr const char* kPreferredDefault = "softhsm2";

std::string names_of(const std::vector<RegisteredModule>& modules) {
  std::string names;
  for (const RegisteredModule& m : modules) names += (names.empty() ? "" : ", ") + m.name;
  return names.empty() ? "none" : names;
}

// The module file of a registry entry, after its config file passes the same checks as a module:
// whoever can write that config chooses what kpki loads.
std::string module_file_of(const RegisteredModule& m) {
  if (m.remote) {
    throw Error(ErrorCode::Unsupported, "PKCS#11 module '" + m.name + "' in p11-kit's registry (" +
                                            m.config_file +
                                            ") is a remote module; give its client with "
                                            "module-path=");
  }
  if (m.module.empty()) {
    throw Error(ErrorCode::NotFound, "p11-kit's config for PKCS#11 module '" + m.name + "' (" +
                                         m.config_file + ") names no module file");
  }
  require_trusted_library(m.config_file, "PKCS#11 module config");
  return m.module;
}

}  // namespace

std::string pkcs11_module_for_name(const std::string& name) {
  const std::vector<RegisteredModule> registered = p11kit_registered_modules();
  auto it = std::find_if(registered.begin(), registered.end(),
                         [&](const RegisteredModule& m) { return m.name == name; });
  if (it == registered.end()) {
    throw Error(ErrorCode::NotFound,
                "no PKCS#11 module named '" + name +
                    "' in p11-kit's registry (registered: " + names_of(registered) + ")");
  }
  return module_file_of(*it);
}

std::string pkcs11_default_module() {
  std::vector<RegisteredModule> candidates;
  for (RegisteredModule& m : p11kit_registered_modules()) {
    if (m.in_proxy && !m.remote && !m.module.empty()) candidates.push_back(std::move(m));
  }
  if (candidates.size() == 1) return module_file_of(candidates.front());
  auto preferred =
      std::find_if(candidates.begin(), candidates.end(),
                   [](const RegisteredModule& m) { return m.name == kPreferredDefault; });
  if (preferred != candidates.end()) return module_file_of(*preferred);
  throw Error(ErrorCode::InvalidInput,
              "no PKCS#11 module named and p11-kit's registry has " +
                  std::string(candidates.empty() ? "none" : "several") +
                  " (registered: " + names_of(candidates) +
                  "): add module-name= to the URI, or give --pkcs11-module or $KPKI_PKCS11_MODULE");
}

void require_safe_module_file(const std::string& path) {
  if (path.empty() || path.front() != '/') {
    throw Error(ErrorCode::InvalidInput,
                "refusing to load PKCS#11 module '" + path +
                    "': module-path must be absolute (or name the module with module-name=) "
                    "(not loaded)");
  }
  require_trusted_library(path, "PKCS#11 module");
}

}  // namespace kpki
