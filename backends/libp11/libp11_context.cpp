#include "backends/libp11/libp11_context.h"

#include <unistd.h>

#include <map>

#include "backends/libp11/libp11_object_filter.h"
#include "backends/pkcs11/module_leaks.h"
#include "core/util/error.h"

namespace kpki {

namespace {

// libp11 0.4.12 keeps the module's function list as the first member of the context's private
// part (PKCS11_CTX_private.method) and calls every C_* through it.
CK_FUNCTION_LIST** method_slot(PKCS11_CTX* ctx) {
  return static_cast<CK_FUNCTION_LIST**>(ctx->_private);
}

// True when the context's private part has the layout method_slot() assumes: libp11 0.4.x keeps
// {method, handle, init_args, ui_method, ui_user_data} first, and PKCS11_set_ui_method writes the
// last two, so a marker written through it must show up as the fifth pointer. Restores both.
bool known_layout(PKCS11_CTX* ctx) {
  auto** fields = static_cast<void**>(ctx->_private);
  auto* ui_method = static_cast<UI_METHOD*>(fields[3]);
  void* ui_data = fields[4];
  int marker = 0;
  if (PKCS11_set_ui_method(ctx, ui_method, &marker) != 0) return false;
  bool known = fields[4] == &marker && fields[3] == ui_method;
  PKCS11_set_ui_method(ctx, ui_method, ui_data);
  return known;
}

bool field_matches(const std::optional<std::string>& want, const char* have) {
  return !want || (have && *want == have);
}

}  // namespace

Libp11Context& Libp11Context::get(Pkcs11Module& module) {
  // Leaked on purpose (see the header).
  static auto* registry_mutex = new std::mutex;
  static auto* registry = new std::map<std::string, Libp11Context*>;
  std::lock_guard lock(*registry_mutex);
  auto it = registry->find(module.path());
  if (it != registry->end()) return *it->second;
  auto* context = new Libp11Context(module);
  registry->emplace(module.path(), context);
  return *context;
}

Libp11Context::Libp11Context(Pkcs11Module& module) : module_(module) {
  CK_FUNCTION_LIST* raw = module_.functions();  // loaded, checked and initialised by now
  KPKI_IGNORE_MODULE_LEAKS();
  ctx_ = PKCS11_CTX_new();
  if (!ctx_) throw Error(ErrorCode::DeviceError, "libp11 cannot allocate a context");
  if (PKCS11_CTX_load(ctx_, module_.path().c_str()) != 0) {
    PKCS11_CTX_free(ctx_);
    throw_openssl_error(ErrorCode::DeviceError,
                        "libp11 cannot load PKCS#11 module '" + module_.path() + "'");
  }
  // Only when the layout is what we expect: the same list the raw driver got from the module, or
  // a list from the same module file when that module hands each caller its own (p11-kit's proxy
  // does): libp11 then uses the raw driver's, sharing its initialisation, sessions and login.
  CK_FUNCTION_LIST* own = *method_slot(ctx_);
  if (own == raw || (known_layout(ctx_) && own && own->version.major == raw->version.major &&
                     own->version.minor == raw->version.minor)) {
    *method_slot(ctx_) = filtered_function_list(raw);
    filtered_ = true;
  }
  list_slots();
}

void Libp11Context::list_slots() {
  // Old lists are kept, not released: in libp11 0.4.12 PKCS11_update_slots misindexes its old
  // list (crashes with more than one slot) and PKCS11_release_all_slots frees slot state that
  // open keys still use.
  KPKI_IGNORE_MODULE_LEAKS();
  PKCS11_SLOT* slots = nullptr;
  unsigned int nslots = 0;
  if (PKCS11_enumerate_slots(ctx_, &slots, &nslots) != 0) {
    throw_openssl_error(ErrorCode::DeviceError,
                        "libp11 cannot list the slots of '" + module_.path() + "'");
  }
  slots_ = slots;
  nslots_ = nslots;
  listed_in_ = getpid();
}

PKCS11_SLOT* Libp11Context::find_slot(const Pkcs11Uri& uri) {
  if (listed_in_ != getpid()) list_slots();
  PKCS11_SLOT* found = scan_slots(uri);
  if (!found) {
    list_slots();  // a token initialised since the last look
    found = scan_slots(uri);
  }
  if (!found) {
    throw Error(ErrorCode::NotFound, "libp11 finds no token matching '" + uri.display + "'");
  }
  return found;
}

PKCS11_SLOT* Libp11Context::scan_slots(const Pkcs11Uri& uri) {
  PKCS11_SLOT* found = nullptr;
  for (unsigned int i = 0; i < nslots_; ++i) {
    PKCS11_TOKEN* t = slots_[i].token;
    if (!t || !t->initialized) continue;
    if (!field_matches(uri.token, t->label) || !field_matches(uri.serial, t->serialnr) ||
        !field_matches(uri.manufacturer, t->manufacturer) || !field_matches(uri.model, t->model)) {
      continue;
    }
    if (found) {
      throw Error(ErrorCode::InvalidInput,
                  "several tokens match '" + uri.display + "' in libp11; add serial=");
    }
    found = &slots_[i];
  }
  return found;
}

}  // namespace kpki
