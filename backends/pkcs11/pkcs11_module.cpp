#include "backends/pkcs11/pkcs11_module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <map>
#include <memory>

#include "backends/pkcs11/ck_error.h"
#include "backends/pkcs11/pkcs11_module_file.h"

namespace kpki {

Pkcs11Module& Pkcs11Module::get(const std::string& path) {
  // Leaked on purpose (see the header): modules live as long as the process.
  static auto* registry_mutex = new std::mutex;
  static auto* registry = new std::map<std::string, Pkcs11Module*>;
  std::lock_guard lock(*registry_mutex);
  auto it = registry->find(path);
  if (it != registry->end()) return *it->second;
  auto* module = new Pkcs11Module(path);  // throws before anything is registered
  registry->emplace(path, module);
  return *module;
}

void Pkcs11Module::DlCloser::operator()(void* handle) const noexcept {
  if (handle) dlclose(handle);
}

Pkcs11Module::Pkcs11Module(std::string path) : path_(std::move(path)) {
  // Before dlopen: loading runs the library's constructors, so an unsafe file never gets there.
  require_safe_module_file(path_);
  // RTLD_LOCAL: two modules may export the same C_* symbols.
  library_.reset(dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!library_) {
    const char* why = dlerror();
    throw Error(ErrorCode::DeviceError, "cannot load PKCS#11 module '" + path_ + "'",
                why ? why : "");
  }
  auto get_list =
      reinterpret_cast<CK_C_GetFunctionList>(dlsym(library_.get(), "C_GetFunctionList"));
  if (!get_list) {
    throw Error(ErrorCode::DeviceError,
                "'" + path_ + "' is not a PKCS#11 module (no C_GetFunctionList)");
  }
  CK_RV rv = get_list(&functions_);
  if (rv != CKR_OK || !functions_) {
    throw_ck(rv == CKR_OK ? CKR_GENERAL_ERROR : rv,
             "C_GetFunctionList failed for PKCS#11 module '" + path_ + "'");
  }
  std::lock_guard lock(mutex_);
  initialize_locked();
}

void Pkcs11Module::initialize_locked() {
  CK_C_INITIALIZE_ARGS args{};
  // The module may use the OS's locks; kpki signs from many threads at once.
  args.flags = CKF_OS_LOCKING_OK;
  CK_RV rv = functions_->C_Initialize(&args);
  // ALREADY_INITIALIZED: another user of the same module in this process (an OpenSSL engine or
  // provider, say) got there first. The module is usable all the same.
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    throw_ck(rv, "cannot initialise PKCS#11 module '" + path_ + "'");
  }
  pid_ = getpid();
  ++generation_;
}

CK_FUNCTION_LIST* Pkcs11Module::functions() {
  std::lock_guard lock(mutex_);
  if (pid_ != getpid()) {
    // A forked child: the parent's state is a copy that must not be used. Finalize what we
    // inherited (errors are expected and irrelevant) and start over.
    functions_->C_Finalize(nullptr);
    initialize_locked();
  }
  return functions_;
}

std::uint64_t Pkcs11Module::generation() {
  functions();  // a forked child bumps the generation here
  std::lock_guard lock(mutex_);
  return generation_;
}

}  // namespace kpki
