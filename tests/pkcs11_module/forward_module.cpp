// A PKCS#11 module that forwards every call to a real one (SoftHSM by default) and changes two
// things, standing in for a device's *state*, never its cryptography:
//   KPKI_TEST_FORWARD_MODULE  the real module (default /usr/lib/softhsm/libsofthsm2.so)
//   KPKI_TEST_TOKEN_FLAGS     flags OR-ed into C_GetTokenInfo: final_try, locked, count_low
//                             (separated by '|' or ',')
//   KPKI_TEST_TOKEN_FLAGS_AFTER_LOGIN  the same, reported only once a C_Login as CKU_USER has
//                             succeeded: a device whose counters change between the user login
//                             and a later per-signature (CKU_CONTEXT_SPECIFIC) login
//   KPKI_TEST_LOGIN_LOG       each C_Login appends a line "C_Login USER-TYPE CKR" to this file
//                             (e.g. "C_Login CKU_CONTEXT_SPECIFIC CKR_PIN_INCORRECT"), each
//                             C_Sign that returns a signature a line "C_Sign"
//   KPKI_TEST_KEYGEN_DIES     public|private: C_GenerateKeyPair makes the pair, destroys that
//                             half and ends the process (exit 137, as SIGKILL would): what a
//                             kill between the token's writes of the two objects leaves
//   KPKI_TEST_KEYGEN_GRANTS_DECRYPT  non-empty: C_GenerateKeyPair sets CKA_DECRYPT true in the
//                             private template, a token that does not make what was asked
#include <dlfcn.h>
#include <p11-kit/pkcs11.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

CK_FUNCTION_LIST g_forward;
CK_FUNCTION_LIST* g_real = nullptr;

std::atomic<bool> g_user_logged_in{false};

CK_FLAGS flags_from_env(const char* name) {
  const char* env = std::getenv(name);
  std::string text = env ? env : "";
  CK_FLAGS flags = 0;
  if (text.find("final_try") != std::string::npos) flags |= CKF_USER_PIN_FINAL_TRY;
  if (text.find("locked") != std::string::npos) flags |= CKF_USER_PIN_LOCKED;
  if (text.find("count_low") != std::string::npos) flags |= CKF_USER_PIN_COUNT_LOW;
  return flags;
}

CK_RV forward_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
  CK_RV rv = g_real->C_GetTokenInfo(slot, info);
  if (rv == CKR_OK && info) info->flags |= flags_from_env("KPKI_TEST_TOKEN_FLAGS");
  if (rv == CKR_OK && info && g_user_logged_in) {
    info->flags |= flags_from_env("KPKI_TEST_TOKEN_FLAGS_AFTER_LOGIN");
  }
  return rv;
}

void log_line(const std::string& line) {
  if (const char* log = std::getenv("KPKI_TEST_LOGIN_LOG")) {
    if (std::FILE* f = std::fopen(log, "a")) {
      std::fputs((line + "\n").c_str(), f);
      std::fclose(f);
    }
  }
}

const char* user_name(CK_USER_TYPE user) {
  switch (user) {
    case CKU_SO:
      return "CKU_SO";
    case CKU_USER:
      return "CKU_USER";
    case CKU_CONTEXT_SPECIFIC:
      return "CKU_CONTEXT_SPECIFIC";
  }
  return "CKU_UNKNOWN";
}

const char* rv_name(CK_RV rv) {
  switch (rv) {
    case CKR_OK:
      return "CKR_OK";
    case CKR_PIN_INCORRECT:
      return "CKR_PIN_INCORRECT";
    case CKR_USER_ALREADY_LOGGED_IN:
      return "CKR_USER_ALREADY_LOGGED_IN";
    case CKR_USER_NOT_LOGGED_IN:
      return "CKR_USER_NOT_LOGGED_IN";
    case CKR_OPERATION_NOT_INITIALIZED:
      return "CKR_OPERATION_NOT_INITIALIZED";
  }
  return "CKR_OTHER";
}

CK_RV forward_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin,
                    CK_ULONG pin_len) {
  CK_RV rv = g_real->C_Login(session, user, pin, pin_len);
  if (rv == CKR_OK && user == CKU_USER) g_user_logged_in = true;
  log_line(std::string("C_Login ") + user_name(user) + " " + rv_name(rv));
  return rv;
}

CK_RV forward_sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG data_len,
                   CK_BYTE_PTR signature, CK_ULONG_PTR signature_len) {
  CK_RV rv = g_real->C_Sign(session, data, data_len, signature, signature_len);
  if (rv == CKR_OK && signature) log_line("C_Sign");
  return rv;
}

CK_RV forward_generate_key_pair(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                                CK_ATTRIBUTE_PTR public_template, CK_ULONG public_count,
                                CK_ATTRIBUTE_PTR private_template, CK_ULONG private_count,
                                CK_OBJECT_HANDLE_PTR public_key, CK_OBJECT_HANDLE_PTR private_key) {
  static CK_BBOOL granted = CK_TRUE;
  const char* grants = std::getenv("KPKI_TEST_KEYGEN_GRANTS_DECRYPT");
  std::vector<CK_ATTRIBUTE> priv(private_template, private_template + private_count);
  for (CK_ATTRIBUTE& a : priv) {
    if (grants && *grants && a.type == CKA_DECRYPT) a = {CKA_DECRYPT, &granted, sizeof granted};
  }
  CK_RV rv = g_real->C_GenerateKeyPair(session, mechanism, public_template, public_count,
                                       priv.data(), private_count, public_key, private_key);
  const char* dies = std::getenv("KPKI_TEST_KEYGEN_DIES");
  if (rv != CKR_OK || !dies || !*dies) return rv;
  g_real->C_DestroyObject(session, std::strcmp(dies, "private") == 0 ? *private_key : *public_key);
  _exit(137);
}

}  // namespace

extern "C" __attribute__((visibility("default"))) CK_RV C_GetFunctionList(
    CK_FUNCTION_LIST_PTR_PTR list) {
  if (!list) return CKR_ARGUMENTS_BAD;
  if (!g_real) {
    const char* path = std::getenv("KPKI_TEST_FORWARD_MODULE");
    void* real =
        dlopen(path && *path ? path : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
    if (!real) return CKR_GENERAL_ERROR;
    auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(real, "C_GetFunctionList"));
    if (!get || get(&g_real) != CKR_OK || !g_real) return CKR_GENERAL_ERROR;
    std::memcpy(&g_forward, g_real, sizeof g_forward);
    g_forward.C_GetFunctionList = C_GetFunctionList;
    g_forward.C_GetTokenInfo = forward_get_token_info;
    g_forward.C_Login = forward_login;
    g_forward.C_Sign = forward_sign;
    g_forward.C_GenerateKeyPair = forward_generate_key_pair;
  }
  *list = &g_forward;
  return CKR_OK;
}
