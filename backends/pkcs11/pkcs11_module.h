#pragma once
// One loaded PKCS#11 module per path per process. kpki talks to modules through the raw
// CK_FUNCTION_LIST (see docs/hsm.md for why not through libp11): it dlopen()s the module, calls
// C_Initialize once with OS locking, and hands out the function list.
//
// Modules are immortal: never C_Finalize'd or dlclose'd. Finalizing at exit races the module's
// own static destructors (SoftHSM) and any thread still signing; the OS reclaims everything.
#include <p11-kit/pkcs11.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace kpki {

class Pkcs11Module {
 public:
  // The process-wide instance for `path`, loaded and initialised on first use. Throws NotFound
  // when the file is missing, InvalidInput when require_safe_module_file refuses it (before
  // loading), DeviceError when it does not load or initialise.
  static Pkcs11Module& get(const std::string& path);

  Pkcs11Module(const Pkcs11Module&) = delete;
  Pkcs11Module& operator=(const Pkcs11Module&) = delete;

  const std::string& path() const { return path_; }

  // The function list, initialised for the calling process. In a child after fork() the first
  // call re-initialises the module (PKCS#11 requires C_Initialize in the child; sessions, logins
  // and object handles of the parent are void there) and bumps generation().
  CK_FUNCTION_LIST* functions();

  // Incremented each time the module is (re)initialised. Tokens compare it with the generation
  // their sessions and handles belong to.
  std::uint64_t generation();

 private:
  explicit Pkcs11Module(std::string path);
  void initialize_locked();

  struct DlCloser {
    void operator()(void* handle) const noexcept;
  };

  std::string path_;
  // Closes the library only when construction fails; a constructed module is never destroyed.
  std::unique_ptr<void, DlCloser> library_;
  CK_FUNCTION_LIST* functions_ = nullptr;
  std::mutex mutex_;
  pid_t pid_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace kpki
