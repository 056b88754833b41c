#include "backends/backends.h"

#include "backends/openssl_file/file_key_manager.h"
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

static KeyRegistry make_registry() {
  KeyRegistry registry;
  registry.add("file", std::make_unique<FileKeyManager>());
#ifdef KPKI_WITH_BOTAN
  registry.add("botan", std::make_unique<BotanKeyManager>());
#endif
#ifdef KPKI_WITH_PKCS11
  registry.add("pkcs11", std::make_unique<Pkcs11KeyManager>());
#endif
#ifdef KPKI_WITH_LIBP11
  registry.add("libp11", std::make_unique<Libp11KeyManager>());
#endif
  return registry;
}

const KeyRegistry& key_registry() {
  static const KeyRegistry registry = make_registry();
  return registry;
}

}  // namespace kpki
