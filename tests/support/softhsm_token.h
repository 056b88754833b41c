#pragma once
// A fresh SoftHSM2 token for one test. The process gets its own SoftHSM configuration and token
// directory in a temporary directory (SOFTHSM2_CONF is pointed there before the module is first
// loaded), so tests never touch the system's tokens; each test initialises a new token in it.
#include <string>

namespace kpki::test {

// Where Debian's softhsm2 puts the module.
inline constexpr const char* kSoftHsmModule = "/usr/lib/softhsm/libsofthsm2.so";

// True when SoftHSM is installed; tests GTEST_SKIP otherwise.
bool softhsm_available();

class SoftHsmToken {
 public:
  // Initialises a token labelled `label` (unique per call when empty) with random SO and user
  // PINs; the user PIN is also written to a 0600 file for pin-source.
  explicit SoftHsmToken(std::string label = "");

  const std::string& label() const { return label_; }
  const std::string& serial() const { return serial_; }
  const std::string& user_pin() const { return user_pin_; }
  const std::string& pin_file() const { return pin_file_; }
  const std::string& module() const { return module_; }
  // The per-process SoftHSM directory (holds softhsm2.conf and tokens/).
  static const std::string& directory();

  // "pkcs11:token=LABEL;object=OBJECT?pin-source=file:PIN&module-path=MODULE"
  std::string uri(const std::string& object) const;
  // Same with an explicit PIN file (for wrong-PIN tests).
  std::string uri_with_pin_file(const std::string& object, const std::string& pin_file) const;

 private:
  std::string label_, serial_, user_pin_, pin_file_, module_;
};

}  // namespace kpki::test
