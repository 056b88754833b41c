#include "tests/support/softhsm_token.h"

#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "backends/pkcs11/ck_error.h"
#include "backends/pkcs11/pkcs11_module.h"
#include "backends/pkcs11/pkcs11_token.h"
#include "backends/pkcs11/pkcs11_uri.h"

namespace kpki::test {

namespace {

// Removes the per-process directory at exit (SoftHSM is never finalised, so nothing writes
// there any more by then).
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/kpki-softhsm-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
    std::filesystem::create_directory(path + "/tokens");
    std::ofstream conf(path + "/softhsm2.conf");
    conf << "directories.tokendir = " << path << "/tokens\n"
         << "objectstore.backend = file\n"
         << "log.level = ERROR\n"
         << "slots.removable = false\n";
    conf.close();
    // Before the module's C_Initialize, which reads it.
    setenv("SOFTHSM2_CONF", (path + "/softhsm2.conf").c_str(), 1);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

const TempDir& temp_dir() {
  static TempDir dir;
  return dir;
}

std::string random_pin() {
  unsigned char raw[8];
  RAND_bytes(raw, sizeof raw);
  return to_hex(raw);
}

void pad(unsigned char* field, std::size_t size, const std::string& value) {
  std::memset(field, ' ', size);
  std::memcpy(field, value.data(), std::min(size, value.size()));
}

}  // namespace

bool softhsm_available() { return access(kSoftHsmModule, R_OK) == 0; }

const std::string& SoftHsmToken::directory() { return temp_dir().path; }

SoftHsmToken::SoftHsmToken(std::string label) : module_(kSoftHsmModule) {
  static std::atomic<int> counter{0};
  const std::string& dir = temp_dir().path;
  label_ = label.empty() ? "kpki-test-" + std::to_string(++counter) : std::move(label);
  user_pin_ = random_pin();
  std::string so_pin = random_pin();
  pin_file_ = dir + "/" + label_ + ".pin";
  {
    std::ofstream pin(pin_file_);
    pin << user_pin_ << '\n';
  }
  chmod(pin_file_.c_str(), 0600);

  Pkcs11Module& module = Pkcs11Module::get(module_);
  CK_FUNCTION_LIST* fn = module.functions();
  // SoftHSM always offers one slot with an uninitialised token; initialising it adds another.
  CK_SLOT_ID slot = CK_INVALID_HANDLE;
  bool found = false;
  for (const auto& s : list_slots(module)) {
    if (s.token_present && !(s.token_flags & CKF_TOKEN_INITIALIZED)) {
      slot = s.slot_id;
      found = true;
      break;
    }
  }
  if (!found) throw std::runtime_error("SoftHSM offers no free slot");
  unsigned char padded[32];
  pad(padded, sizeof padded, label_);
  check_ck(
      fn->C_InitToken(slot, reinterpret_cast<CK_UTF8CHAR*>(so_pin.data()), so_pin.size(), padded),
      "C_InitToken");
  CK_SESSION_HANDLE session;
  check_ck(fn->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session),
           "C_OpenSession");
  check_ck(
      fn->C_Login(session, CKU_SO, reinterpret_cast<CK_UTF8CHAR*>(so_pin.data()), so_pin.size()),
      "C_Login(SO)");
  check_ck(
      fn->C_InitPIN(session, reinterpret_cast<CK_UTF8CHAR*>(user_pin_.data()), user_pin_.size()),
      "C_InitPIN");
  fn->C_Logout(session);
  fn->C_CloseSession(session);
  for (const auto& s : list_slots(module)) {
    if (s.label == label_) serial_ = s.serial;
  }
}

std::string SoftHsmToken::uri(const std::string& object) const {
  return uri_with_pin_file(object, pin_file_);
}

std::string SoftHsmToken::uri_with_pin_file(const std::string& object,
                                            const std::string& pin_file) const {
  std::string out = "pkcs11:token=" + percent_encode(as_bytes(label_));
  if (!object.empty()) out += ";object=" + percent_encode(as_bytes(object));
  return out + "?pin-source=file:" + pin_file + "&module-path=" + module_;
}

}  // namespace kpki::test
