#include "backends/backends.h"

#include "backends/openssl_file/file_key_manager.h"
#include "backends/schemes/path_key_scheme.h"
#include "backends/schemes/token_key_scheme.h"
#ifdef KPKI_WITH_BOTAN
#include "backends/botan/botan_key_manager.h"
#endif
#ifdef KPKI_WITH_PKCS11
#include "backends/pkcs11/pkcs11_key_manager.h"
#endif
#ifdef KPKI_WITH_LIBP11
#include "backends/libp11/libp11_key_manager.h"
#endif

namespace kpki {

// Every scheme is registered with its descriptor; a backend compiled out has no manager, so its
// URIs get "kpki was built without ... support".
void add_builtin_backends(KeyRegistry& registry) {
  registry.add(std::make_unique<PathKeyScheme>("file", "OpenSSL file key",
                                               PathKeyScheme::Traits{true, true}),
               std::make_unique<FileKeyManager>());
  std::unique_ptr<KeyManager> botan, pkcs11, libp11;
#ifdef KPKI_WITH_BOTAN
  botan = std::make_unique<BotanKeyManager>();
#endif
#ifdef KPKI_WITH_PKCS11
  pkcs11 = std::make_unique<Pkcs11KeyManager>();
#endif
#ifdef KPKI_WITH_LIBP11
  libp11 = std::make_unique<Libp11KeyManager>();
#endif
  registry.add(std::make_unique<PathKeyScheme>("botan", "Botan", PathKeyScheme::Traits{}),
               std::move(botan));
  registry.add(std::make_unique<TokenKeyScheme>("pkcs11", "PKCS#11"), std::move(pkcs11));
  registry.add(std::make_unique<TokenKeyScheme>("libp11", "libp11"), std::move(libp11));
}

const KeyRegistry& key_registry() {
  static const KeyRegistry registry = [] {
    KeyRegistry built_in;
    add_builtin_backends(built_in);
    return built_in;
  }();
  return registry;
}

}  // namespace kpki
