#pragma once
// p11-kit's module registry, read without loading anything. p11_kit_modules_load() (and the
// p11-kit proxy) dlopen() every registered module, running each one's constructors, including a
// module the user registered in ~/.config/pkcs11/modules, before kpki could check a single file.
// So kpki reads the registry's config files itself, by p11-kit 0.24's rules (pkcs11.conf(5)), and
// loads only the one module asked for, after the checks of core/fs/trusted_library.h.
#include <string>
#include <vector>

namespace kpki {

struct RegisteredModule {
  std::string name;         // the config file's name without ".module": "softhsm2"
  std::string module;       // its `module:` file, absolute (relative ones are under p11-kit's
                            // module directory); "" when the config names none
  std::string config_file;  // the config file that gave `module:` (or the first read)
  bool remote = false;      // a `remote:` module (p11-kit's RPC): kpki cannot load it itself
  bool in_proxy = true;     // p11-kit's proxy would load it (enable-in / disable-in)
};

// The registered modules, by name: user configs (~/.config/pkcs11/modules, or under
// $XDG_CONFIG_HOME; not for root, in setuid programs or with P11_KIT_NO_USER_CONFIG, and as
// `user-config` in pkcs11.conf says), then /etc/pkcs11/modules, then p11-kit's package directory
// (/usr/share/p11-kit/modules). Per name, the first file that sets a field wins, as in p11-kit.
std::vector<RegisteredModule> p11kit_registered_modules();

}  // namespace kpki
