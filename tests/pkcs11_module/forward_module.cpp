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
// and, standing in for a network HSM's latency and a device that fails in the middle of a run:
//   KPKI_TEST_SIGN_DELAY_MS   each C_Sign and C_SignFinal waits this long (no lock held, so
//                             concurrent signatures overlap, as on a device with many sessions)
//   KPKI_TEST_INFLIGHT_LOG    this file holds the most C_Sign calls ever in progress at once
//   KPKI_TEST_MAX_SESSIONS    C_GetTokenInfo reports this many sessions allowed (R/O and R/W),
//                             and C_OpenSession answers CKR_SESSION_COUNT beyond it
//   KPKI_TEST_FAULT           FUNCTION:N:CKR_NAME[:stays][,...]: the Nth call of FUNCTION
//                             (C_Sign, C_SignInit, C_OpenSession, C_Login, C_FindObjectsInit)
//                             answers CKR_NAME instead of reaching the token; with `stays`,
//                             every call from the Nth on. The token's state then follows (kept in
//                             this module, not done to SoftHSM): CKR_SESSION_HANDLE_INVALID and
//                             CKR_SESSION_CLOSED end that session, CKR_USER_NOT_LOGGED_IN the
//                             login, CKR_DEVICE_REMOVED and CKR_TOKEN_NOT_PRESENT every session
//                             and the login. Each fault is logged ("fault C_Sign 7").
#include <dlfcn.h>
#include <p11-kit/pkcs11.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <thread>
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
  if (const char* max = std::getenv("KPKI_TEST_MAX_SESSIONS"); rv == CKR_OK && info && max) {
    info->ulMaxSessionCount = info->ulMaxRwSessionCount = std::strtoul(max, nullptr, 10);
  }
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

// --- latency and concurrency ------------------------------------------------------------------

std::atomic<int> g_in_flight{0};
std::atomic<int> g_most_in_flight{0};

long env_number(const char* name, long fallback) {
  const char* env = std::getenv(name);
  return env && *env ? std::strtol(env, nullptr, 10) : fallback;
}

// Counts a signing call in progress, records a new maximum, and waits the configured latency.
struct InFlight {
  InFlight() {
    int now = ++g_in_flight;
    int most = g_most_in_flight.load();
    while (now > most && !g_most_in_flight.compare_exchange_weak(most, now)) {
    }
    if (now > most) write_most(now);
    long delay = env_number("KPKI_TEST_SIGN_DELAY_MS", 0);
    if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
  ~InFlight() { --g_in_flight; }
  static void write_most(int most) {
    static std::mutex mutex;  // only for the file: the calls themselves overlap
    std::lock_guard<std::mutex> lock(mutex);
    if (most < g_most_in_flight.load()) return;  // a later, larger maximum was written
    if (const char* log = std::getenv("KPKI_TEST_INFLIGHT_LOG")) {
      if (std::FILE* f = std::fopen(log, "w")) {
        std::fprintf(f, "%d\n", most);
        std::fclose(f);
      }
    }
  }
};

// --- faults -----------------------------------------------------------------------------------

struct Fault {
  std::string function;
  long at = 0;
  CK_RV rv = CKR_OK;
  bool stays = false;
  std::atomic<long> calls{0};
};

CK_RV rv_by_name(const std::string& name) {
  static const std::pair<const char*, CK_RV> kNames[] = {
      {"CKR_SESSION_HANDLE_INVALID", CKR_SESSION_HANDLE_INVALID},
      {"CKR_SESSION_CLOSED", CKR_SESSION_CLOSED},
      {"CKR_USER_NOT_LOGGED_IN", CKR_USER_NOT_LOGGED_IN},
      {"CKR_DEVICE_REMOVED", CKR_DEVICE_REMOVED},
      {"CKR_TOKEN_NOT_PRESENT", CKR_TOKEN_NOT_PRESENT},
      {"CKR_DEVICE_ERROR", CKR_DEVICE_ERROR},
      {"CKR_PIN_INCORRECT", CKR_PIN_INCORRECT},
      {"CKR_PIN_LOCKED", CKR_PIN_LOCKED},
      {"CKR_GENERAL_ERROR", CKR_GENERAL_ERROR},
  };
  for (const auto& [n, rv] : kNames)
    if (name == n) return rv;
  return CKR_GENERAL_ERROR;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  for (size_t start = 0; !text.empty() && start <= text.size();) {
    size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// KPKI_TEST_FAULT, parsed once: faults separated by ',', each with its own call counter.
std::vector<Fault>& faults() {
  static std::vector<Fault>* parsed = [] {
    const char* env = std::getenv("KPKI_TEST_FAULT");
    std::vector<std::string> entries = split(env ? env : "", ',');
    auto* out = new std::vector<Fault>(entries.size());  // never freed: used until exit
    for (size_t i = 0; i < entries.size(); ++i) {
      std::vector<std::string> parts = split(entries[i], ':');
      if (parts.size() < 3) continue;
      Fault& f = (*out)[i];
      f.function = parts[0];
      f.at = std::strtol(parts[1].c_str(), nullptr, 10);
      f.rv = rv_by_name(parts[2]);
      f.stays = parts.size() > 3 && parts[3] == "stays";
    }
    return out;
  }();
  return *parsed;
}

// The token's state after a fault, kept here rather than done to SoftHSM (closing sessions that
// other threads are using inside SoftHSM is not something SoftHSM survives): sessions that are
// gone answer CKR_SESSION_HANDLE_INVALID, a logged-out token CKR_USER_NOT_LOGGED_IN until the
// next user login.
std::mutex g_state_mutex;
std::set<CK_SESSION_HANDLE> g_sessions;  // open, as the module sees them
std::set<CK_SESSION_HANDLE> g_gone;      // open in SoftHSM, gone for kpki
bool g_logged_out = false;

void follow(CK_RV rv, CK_SESSION_HANDLE session) {
  std::lock_guard<std::mutex> lock(g_state_mutex);
  switch (rv) {
    case CKR_SESSION_HANDLE_INVALID:
    case CKR_SESSION_CLOSED:
      g_gone.insert(session);
      break;
    case CKR_USER_NOT_LOGGED_IN:
      g_logged_out = true;
      break;
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_PRESENT:  // every session goes with the device, and the login
      g_gone.insert(g_sessions.begin(), g_sessions.end());
      g_logged_out = true;
      break;
    default:
      break;
  }
}

// What the token's state answers for an operation on `session` (CKR_OK: call SoftHSM).
CK_RV state_of(CK_SESSION_HANDLE session, bool needs_login) {
  std::lock_guard<std::mutex> lock(g_state_mutex);
  if (g_gone.count(session)) return CKR_SESSION_HANDLE_INVALID;
  if (needs_login && g_logged_out) return CKR_USER_NOT_LOGGED_IN;
  return CKR_OK;
}

// The CK_RV to answer instead of calling the token, or CKR_OK to call it. Counts the calls of
// `function` for each fault that names it.
CK_RV injected(const char* function, CK_SESSION_HANDLE session) {
  for (Fault& f : faults()) {
    if (f.function != function) continue;
    long n = ++f.calls;
    if (n != f.at && !(f.stays && n > f.at)) continue;
    log_line(std::string("fault ") + function + " " + std::to_string(n));
    if (session != CK_INVALID_HANDLE) follow(f.rv, session);
    return f.rv;
  }
  return CKR_OK;
}

CK_RV forward_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin,
                    CK_ULONG pin_len) {
  CK_RV rv = injected("C_Login", session);
  if (rv == CKR_OK) rv = state_of(session, false);
  if (rv == CKR_OK) rv = g_real->C_Login(session, user, pin, pin_len);
  if (user == CKU_USER && (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)) {
    std::lock_guard<std::mutex> lock(g_state_mutex);
    if (g_logged_out) rv = CKR_OK;  // SoftHSM never logged out: this is the new login
    g_logged_out = false;
  }
  if (rv == CKR_OK && user == CKU_USER) g_user_logged_in = true;
  log_line(std::string("C_Login ") + user_name(user) + " " + rv_name(rv));
  return rv;
}

CK_RV forward_sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG data_len,
                   CK_BYTE_PTR signature, CK_ULONG_PTR signature_len) {
  InFlight in_flight;
  if (CK_RV rv = injected("C_Sign", session)) return rv;
  if (CK_RV rv = state_of(session, true)) return rv;
  CK_RV rv = g_real->C_Sign(session, data, data_len, signature, signature_len);
  if (rv == CKR_OK && signature) log_line("C_Sign");
  return rv;
}

CK_RV forward_sign_final(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
                         CK_ULONG_PTR signature_len) {
  InFlight in_flight;
  return g_real->C_SignFinal(session, signature, signature_len);
}

CK_RV forward_sign_init(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                        CK_OBJECT_HANDLE key) {
  if (CK_RV rv = injected("C_SignInit", session)) return rv;
  if (CK_RV rv = state_of(session, true)) return rv;
  return g_real->C_SignInit(session, mechanism, key);
}

CK_RV forward_find_objects_init(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR templ, CK_ULONG count) {
  if (CK_RV rv = injected("C_FindObjectsInit", session)) return rv;
  if (CK_RV rv = state_of(session, false)) return rv;
  return g_real->C_FindObjectsInit(session, templ, count);
}

CK_RV forward_open_session(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify,
                           CK_SESSION_HANDLE_PTR session) {
  if (CK_RV rv = injected("C_OpenSession", CK_INVALID_HANDLE)) return rv;
  long max = env_number("KPKI_TEST_MAX_SESSIONS", 0);
  std::lock_guard<std::mutex> lock(g_state_mutex);
  if (max > 0 && static_cast<long>(g_sessions.size()) >= max) return CKR_SESSION_COUNT;
  CK_RV rv = g_real->C_OpenSession(slot, flags, app, notify, session);
  if (rv == CKR_OK) g_sessions.insert(*session);
  return rv;
}

CK_RV forward_close_session(CK_SESSION_HANDLE session) {
  std::lock_guard<std::mutex> lock(g_state_mutex);
  CK_RV rv = g_real->C_CloseSession(session);
  g_sessions.erase(session);
  bool gone = g_gone.erase(session) > 0;
  return gone ? CKR_SESSION_HANDLE_INVALID : rv;
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
    g_forward.C_SignFinal = forward_sign_final;
    g_forward.C_SignInit = forward_sign_init;
    g_forward.C_FindObjectsInit = forward_find_objects_init;
    g_forward.C_OpenSession = forward_open_session;
    g_forward.C_CloseSession = forward_close_session;
    g_forward.C_GenerateKeyPair = forward_generate_key_pair;
  }
  *list = &g_forward;
  return CKR_OK;
}
