#include "backends/pkcs11/pkcs11_token.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "backends/pkcs11/ck_error.h"
#include "backends/pkcs11/pkcs11_login.h"
#include "backends/pkcs11/pkcs11_warning.h"

namespace kpki {

namespace {

// Pool sessions until limit_sessions() says otherwise.
constexpr std::size_t kInitialPoolSessions = 16;

// The sessions a token allows an application, from one of CK_TOKEN_INFO's counts: none stated
// (CK_EFFECTIVELY_INFINITE, CK_UNAVAILABLE_INFORMATION) is no limit.
std::size_t session_limit(CK_ULONG count) {
  if (count == CK_EFFECTIVELY_INFINITE || count == CK_UNAVAILABLE_INFORMATION) return SIZE_MAX;
  return static_cast<std::size_t>(count);
}

std::string trim_padded(const unsigned char* field, std::size_t size) {
  std::string s(reinterpret_cast<const char*>(field), size);
  auto end = s.find_last_not_of(" \0", std::string::npos, 2);
  return end == std::string::npos ? std::string() : s.substr(0, end + 1);
}

CK_TOKEN_INFO token_info(CK_FUNCTION_LIST* fn, CK_SLOT_ID slot, const std::string& what) {
  CK_TOKEN_INFO info{};
  check_ck(fn->C_GetTokenInfo(slot, &info), "cannot read token information of " + what);
  return info;
}

bool matches(const std::optional<std::string>& want, const std::string& have) {
  return !want || *want == have;
}

}  // namespace

std::vector<Pkcs11SlotInfo> list_slots(Pkcs11Module& module) {
  CK_FUNCTION_LIST* fn = module.functions();
  CK_ULONG count = 0;
  check_ck(fn->C_GetSlotList(CK_FALSE, nullptr, &count),
           "cannot list slots of PKCS#11 module '" + module.path() + "'");
  std::vector<CK_SLOT_ID> ids(count);
  check_ck(fn->C_GetSlotList(CK_FALSE, ids.data(), &count),
           "cannot list slots of PKCS#11 module '" + module.path() + "'");
  ids.resize(count);
  std::vector<Pkcs11SlotInfo> out;
  for (CK_SLOT_ID id : ids) {
    CK_SLOT_INFO slot{};
    if (fn->C_GetSlotInfo(id, &slot) != CKR_OK) continue;  // slot vanished meanwhile
    Pkcs11SlotInfo info;
    info.slot_id = id;
    info.slot_description = trim_padded(slot.slotDescription, sizeof slot.slotDescription);
    info.token_present = (slot.flags & CKF_TOKEN_PRESENT) != 0;
    CK_TOKEN_INFO token{};
    if (info.token_present && fn->C_GetTokenInfo(id, &token) == CKR_OK) {
      info.label = trim_padded(token.label, sizeof token.label);
      info.manufacturer = trim_padded(token.manufacturerID, sizeof token.manufacturerID);
      info.model = trim_padded(token.model, sizeof token.model);
      info.serial = trim_padded(token.serialNumber, sizeof token.serialNumber);
      info.token_flags = token.flags;
    } else {
      info.token_present = false;
    }
    out.push_back(std::move(info));
  }
  return out;
}

std::string describe_token(const Pkcs11SlotInfo& info) {
  return "token=" + info.label + " serial=" + info.serial;
}

std::vector<std::string> token_flag_names(CK_FLAGS flags) {
  static const std::pair<CK_FLAGS, const char*> kFlags[] = {
      {CKF_TOKEN_INITIALIZED, "initialized"},
      {CKF_LOGIN_REQUIRED, "login-required"},
      {CKF_USER_PIN_INITIALIZED, "user-pin-initialized"},
      {CKF_PROTECTED_AUTHENTICATION_PATH, "protected-auth-path"},
      {CKF_WRITE_PROTECTED, "write-protected"},
      {CKF_RNG, "rng"},
      {CKF_USER_PIN_COUNT_LOW, "user-pin-count-low"},
      {CKF_USER_PIN_FINAL_TRY, "user-pin-final-try"},
      {CKF_USER_PIN_LOCKED, "user-pin-locked"},
      {CKF_SO_PIN_LOCKED, "so-pin-locked"},
  };
  std::vector<std::string> out;
  for (const auto& [flag, name] : kFlags) {
    if (flags & flag) out.emplace_back(name);
  }
  return out;
}

Pkcs11Token& Pkcs11Token::find(Pkcs11Module& module, const Pkcs11Uri& uri) {
  std::vector<Pkcs11SlotInfo> slots = list_slots(module);
  std::vector<const Pkcs11SlotInfo*> hits;
  std::string present;
  for (const auto& s : slots) {
    if (!s.token_present || !(s.token_flags & CKF_TOKEN_INITIALIZED)) continue;
    present += (present.empty() ? "" : ", ") + describe_token(s);
    if (matches(uri.token, s.label) && matches(uri.manufacturer, s.manufacturer) &&
        matches(uri.serial, s.serial) && matches(uri.model, s.model)) {
      hits.push_back(&s);
    }
  }
  if (hits.empty()) {
    throw ck_error(ErrorCode::NotFound,
                   "no token matching '" + uri.display + "' in PKCS#11 module '" + module.path() +
                       "' (tokens present: " + (present.empty() ? "none" : present) + ")",
                   CKR_TOKEN_NOT_PRESENT);
  }
  if (hits.size() > 1) {
    throw Error(ErrorCode::InvalidInput, "several tokens match '" + uri.display +
                                             "'; add serial= to pick one (tokens: " + present +
                                             ")");
  }
  // One Pkcs11Token per (module, token identity), for the life of the process.
  static auto* registry_mutex = new std::mutex;
  static auto* registry = new std::map<std::string, Pkcs11Token*>;
  const Pkcs11SlotInfo& info = *hits.front();
  std::string key = module.path() + '\n' + info.label + '\n' + info.serial + '\n' +
                    info.manufacturer + '\n' + info.model;
  std::lock_guard lock(*registry_mutex);
  auto it = registry->find(key);
  if (it != registry->end()) return *it->second;
  auto* token = new Pkcs11Token(module, info);
  registry->emplace(key, token);
  return *token;
}

Pkcs11Token::Pkcs11Token(Pkcs11Module& module, const Pkcs11SlotInfo& info)
    : module_(module),
      identity_(info),
      slot_(info.slot_id),
      name_("token '" + info.label + "' (serial " + info.serial + ")") {
  CK_TOKEN_INFO ti = token_info(module.functions(), slot_, name_);
  // Every session kpki opens is R/W, so both counts bound it; one is the anchor (the login).
  std::size_t limit =
      std::min(session_limit(ti.ulMaxSessionCount), session_limit(ti.ulMaxRwSessionCount));
  session_cap_ = limit == SIZE_MAX ? SIZE_MAX : std::max<std::size_t>(limit, 2) - 1;
  max_sessions_ = std::min(kInitialPoolSessions, session_cap_);
  generation_ = module.generation();
}

void Pkcs11Token::sync_generation_locked() {
  std::uint64_t now = module_.generation();
  if (now == generation_) return;
  // The module was re-initialised (we are a forked child): every session and the login are
  // gone with the old initialisation. Forget them without closing; the handles mean nothing now.
  generation_ = now;
  idle_.clear();
  open_ = 0;
  anchor_.reset();
  logged_in_ = false;
  relocate_locked();
  if (pin_) {
    if (!pin_->repeatable()) {
      throw Error(ErrorCode::InvalidInput,
                  "cannot log in to " + name_ +
                      " again after fork(): the PIN was typed at a prompt and is not kept; use "
                      "pin-source=file:PATH");
    }
    login_locked(*pin_);
  }
}

void Pkcs11Token::relocate_locked() {
  // Slot ids are only stable within one initialisation (SoftHSM renumbers a token initialised
  // in this process, for one), so find the token again by what it says about itself.
  for (const auto& s : list_slots(module_)) {
    if (s.token_present && s.label == identity_.label && s.serial == identity_.serial &&
        s.manufacturer == identity_.manufacturer && s.model == identity_.model) {
      slot_ = s.slot_id;
      return;
    }
  }
  throw ck_error(ErrorCode::NotFound, name_ + " is no longer present", CKR_TOKEN_NOT_PRESENT);
}

CK_SESSION_HANDLE Pkcs11Token::open_session_locked() {
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  // R/W from the start: a login made with only R/O sessions open leaves later R/W sessions in
  // "R/O user" state on some modules, and key generation needs R/W.
  check_ck(module_.functions()->C_OpenSession(slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr,
                                              nullptr, &session),
           "cannot open a session on " + name_);
  return session;
}

void Pkcs11Token::login(const Pkcs11Uri& uri) {
  std::lock_guard lock(mutex_);
  sync_generation_locked();
  if (logged_in_) return;
  login_locked(PinSource::from_uri(uri));
}

void Pkcs11Token::login_locked(const PinSource& pin) {
  CK_FUNCTION_LIST* fn = module_.functions();
  CK_TOKEN_INFO info = token_info(fn, slot_, name_);
  if (!(info.flags & CKF_LOGIN_REQUIRED)) {
    logged_in_ = true;
    return;
  }
  if (!anchor_) anchor_ = open_session_locked();
  pkcs11_login(fn, *anchor_, CKU_USER, info.flags, pin, name_);
  logged_in_ = true;
  pin_ = pin;
}

Pkcs11Session Pkcs11Token::acquire() {
  std::unique_lock lock(mutex_);
  sync_generation_locked();
  // Counted as lent, not open: a limit lowered later holds for the idle sessions too.
  available_.wait(lock, [&] { return open_ - idle_.size() < max_sessions_; });
  if (!idle_.empty()) {
    CK_SESSION_HANDLE session = idle_.back();
    idle_.pop_back();
    return Pkcs11Session(*this, module_.functions(), session, generation_, epoch_);
  }
  CK_SESSION_HANDLE session = open_session_locked();
  ++open_;
  return Pkcs11Session(*this, module_.functions(), session, generation_, epoch_);
}

void Pkcs11Token::release(const Pkcs11Session& session, bool discard) {
  {
    std::lock_guard lock(mutex_);
    // Lent before a re-initialisation: already forgotten.
    if (session.generation() != generation_) return;
    if (discard || session.epoch() != epoch_) {  // or opened before a recovery: gone with it
      module_.functions()->C_CloseSession(session.handle());
      --open_;
    } else {
      idle_.push_back(session.handle());
    }
  }
  available_.notify_one();
}

void Pkcs11Token::limit_sessions(std::size_t wanted) {
  {
    std::lock_guard lock(mutex_);
    max_sessions_ = std::min(std::max<std::size_t>(wanted, 1), session_cap_);
    if (wanted > session_cap_ && !cap_warned_) {
      cap_warned_ = true;
      pkcs11_warn(name_ + " allows " + std::to_string(session_cap_ + 1) +
                  " sessions: signing with at most " + std::to_string(session_cap_) +
                  " at once (one holds the login)");
    }
  }
  available_.notify_all();
}

bool Pkcs11Token::supports(CK_MECHANISM_TYPE mechanism, CK_FLAGS flag) const {
  CK_MECHANISM_INFO info{};
  if (module_.functions()->C_GetMechanismInfo(slot_, mechanism, &info) != CKR_OK) return false;
  return (info.flags & flag) != 0;
}

void Pkcs11Token::context_login(const Pkcs11Session& session, const PinSource& pin) {
  if (context_pin_rejected_) {
    throw ck_error(ErrorCode::PinIncorrect,
                   "wrong PIN for " + name_ + " (not retried: repeated failures lock the token)",
                   CKR_PIN_INCORRECT);
  }
  CK_FLAGS flags = token_info(session.fn(), slot_, name_).flags;
  try {
    pkcs11_login(session.fn(), session.handle(), CKU_CONTEXT_SPECIFIC, flags, pin, name_);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::PinIncorrect) context_pin_rejected_ = true;
    throw;
  }
}

Pkcs11Session::~Pkcs11Session() { token_->release(*this, discard_); }

}  // namespace kpki
