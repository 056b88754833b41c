#pragma once
// One libp11 context (PKCS11_CTX) per module file per process, beside the raw driver's
// Pkcs11Module for the same file. The raw module is loaded and initialised first, so the module
// file passes require_safe_module_file before libp11 loads it, and libp11's own C_Initialize gets
// CKR_CRYPTOKI_ALREADY_INITIALIZED, which it accepts.
//
// Contexts are immortal like raw modules: PKCS11_CTX_unload would C_Finalize the module under the
// raw driver's feet. The raw driver finalizes only in a forked child, and a libp11: signer lets it
// do so before libp11 touches the module there (Libp11Signer::current_key).
#include <libp11.h>

#include <sys/types.h>

#include <mutex>
#include <string>

#include "backends/pkcs11/pkcs11_module.h"
#include "backends/pkcs11/pkcs11_uri.h"

namespace kpki {

class Libp11Context {
 public:
  // The context for `module`'s file, loaded on first use. DeviceError when libp11 cannot load it.
  static Libp11Context& get(Pkcs11Module& module);

  Libp11Context(const Libp11Context&) = delete;
  Libp11Context& operator=(const Libp11Context&) = delete;

  // The slot whose token matches the URI's token attributes. NotFound / InvalidInput (several)
  // name the URI. Call with mutex() held. In a forked child the slots are listed afresh: the
  // module's re-initialisation may renumber them (SoftHSM does), and libp11 0.4.12 keeps using
  // the old slot ids (its session pool then waits forever on CKR_SLOT_ID_INVALID).
  PKCS11_SLOT* find_slot(const Pkcs11Uri& uri);

  // libp11 0.4.12 caches key lists per slot without locking: lookups hold this.
  std::mutex& mutex() { return mutex_; }

  // True when libp11 sees the token through the filtered function list (libp11_object_filter.h).
  bool filtered() const { return filtered_; }

 private:
  explicit Libp11Context(Pkcs11Module& module);
  PKCS11_SLOT* scan_slots(const Pkcs11Uri& uri);
  void list_slots();

  Pkcs11Module& module_;
  PKCS11_CTX* ctx_ = nullptr;
  PKCS11_SLOT* slots_ = nullptr;
  unsigned int nslots_ = 0;
  pid_t listed_in_ = 0;  // the process slots_ was listed in
  bool filtered_ = false;
  std::mutex mutex_;
};

}  // namespace kpki
