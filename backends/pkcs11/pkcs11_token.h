#pragma once
// A token in a slot of a loaded module: found by the URI's token attributes, logged in once per
// process, and serving a bounded pool of sessions so that many threads can sign at once. Like
// modules, tokens live as long as the process (sessions stay open, the login holds).
#include <p11-kit/pkcs11.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backends/pkcs11/pkcs11_module.h"
#include "backends/pkcs11/pkcs11_pin.h"
#include "backends/pkcs11/pkcs11_uri.h"

namespace kpki {

// What a slot and its token say about themselves (trimmed of PKCS#11's space padding).
struct Pkcs11SlotInfo {
  CK_SLOT_ID slot_id = 0;
  std::string slot_description;
  bool token_present = false;
  std::string label, manufacturer, model, serial;
  CK_FLAGS token_flags = 0;
};

// The slots of a module (with tokenPresent = false, so empty slots are listed too).
std::vector<Pkcs11SlotInfo> list_slots(Pkcs11Module& module);

// "token=kube-ca serial=8f3c..." for messages.
std::string describe_token(const Pkcs11SlotInfo& info);

// True for the answers of a token that lost the session or its login, which a new session and a
// new login may cure: CKR_SESSION_HANDLE_INVALID, CKR_SESSION_CLOSED, CKR_USER_NOT_LOGGED_IN,
// CKR_DEVICE_REMOVED and CKR_TOKEN_NOT_PRESENT (the token may be back by then).
bool is_session_lost(CK_RV rv);

// Names of the flags set in a CK_TOKEN_INFO.flags ("login-required", "user-pin-locked", ...).
std::vector<std::string> token_flag_names(CK_FLAGS flags);

class Pkcs11Token;

// A session borrowed from a token's pool; returned on destruction. discard() closes it instead
// (after an error that may have left it unusable).
class Pkcs11Session {
 public:
  Pkcs11Session(Pkcs11Token& token, CK_FUNCTION_LIST* fn, CK_SESSION_HANDLE handle,
                std::uint64_t generation, std::uint64_t epoch)
      : token_(&token), fn_(fn), handle_(handle), generation_(generation), epoch_(epoch) {}
  Pkcs11Session(const Pkcs11Session&) = delete;
  Pkcs11Session& operator=(const Pkcs11Session&) = delete;
  ~Pkcs11Session();

  CK_SESSION_HANDLE handle() const { return handle_; }
  // Taken at acquire(): signing does not go through the module's lock for every call.
  CK_FUNCTION_LIST* fn() const { return fn_; }
  // The module generation this session (and handles found through it) belongs to.
  std::uint64_t generation() const { return generation_; }
  // The token's recoveries before this session was opened (Pkcs11Token::recover).
  std::uint64_t epoch() const { return epoch_; }
  void discard() { discard_ = true; }

 private:
  Pkcs11Token* token_;
  CK_FUNCTION_LIST* fn_;
  CK_SESSION_HANDLE handle_;
  std::uint64_t generation_;
  std::uint64_t epoch_;
  bool discard_ = false;
};

class Pkcs11Token {
 public:
  // The token the URI's token attributes select. NotFound lists the tokens that are present;
  // InvalidInput when several match (add serial=).
  static Pkcs11Token& find(Pkcs11Module& module, const Pkcs11Uri& uri);

  Pkcs11Token(const Pkcs11Token&) = delete;
  Pkcs11Token& operator=(const Pkcs11Token&) = delete;

  // "token 'kube-ca' (serial 8f3c...)"
  const std::string& name() const { return name_; }

  // Logs in as the user unless already logged in (once per process). The PIN is obtained from
  // `uri` (file, value or prompt), used, and wiped. A wrong PIN is never retried: retries lock
  // tokens. Tokens without CKF_LOGIN_REQUIRED are not logged in to.
  void login(const Pkcs11Uri& uri);

  // Borrows a session; blocks while all pool sessions are in use. After a fork(), the first call
  // re-opens sessions and logs in again with the same PIN source.
  Pkcs11Session acquire();

  // At most `wanted` sessions lent at once (kpki's --token-sessions), or fewer when the token
  // allows fewer (ulMaxSessionCount, ulMaxRwSessionCount; one session holds the login): then a
  // warning names the token and its limit, once. Takes effect for the next acquire().
  void limit_sessions(std::size_t wanted);

  // After an operation on `session` failed with `rv`, a loss of the session or the login
  // (is_session_lost: a network HSM restarted, a card pulled and put back): closes every session
  // opened before, finds the token again and logs in again with the same PIN source, once for
  // all the threads that saw the same loss; a warning says so. The caller then retries once, on a
  // new session. Throws, naming the token, when the token is gone or the login fails (a wrong or
  // locked PIN is never tried again).
  // A token that loses the session again before any signature succeeded on the new one is taken
  // to be gone: recover throws then, without another login.
  void recover(const Pkcs11Session& session, CK_RV rv);
  // A signature succeeded: a later loss may be recovered from again.
  void note_signature() { signed_since_recovery_.store(true, std::memory_order_relaxed); }

  // True when `mechanism` is offered with `flag` (CKF_SIGN, CKF_GENERATE_KEY_PAIR).
  bool supports(CK_MECHANISM_TYPE mechanism, CK_FLAGS flag) const;

  // The login for the next operation on `session` only (CKU_CONTEXT_SPECIFIC), which a key with
  // CKA_ALWAYS_AUTHENTICATE wants between C_SignInit and C_Sign. The PIN flags are checked before
  // each one, as before the user login. After one wrong PIN every later call throws PinIncorrect
  // without a C_Login: one try is spent, never a second. Call with always_auth_mutex() held.
  void context_login(const Pkcs11Session& session, const PinSource& pin);

  // Serialises signatures with CKA_ALWAYS_AUTHENTICATE keys on this token: a card has one
  // security state, and concurrent signers must not each spend a try of a wrong PIN.
  std::mutex& always_auth_mutex() { return always_auth_mutex_; }

 private:
  friend class Pkcs11Session;
  Pkcs11Token(Pkcs11Module& module, const Pkcs11SlotInfo& info);
  void sync_generation_locked();
  void relocate_locked();
  void login_locked(const PinSource& pin);
  CK_SESSION_HANDLE open_session_locked();
  void release(const Pkcs11Session& session, bool discard);

  Pkcs11Module& module_;
  Pkcs11SlotInfo identity_;       // label, serial, manufacturer, model: how to find the slot again
  std::atomic<CK_SLOT_ID> slot_;  // changes only when a forked child re-initialises
  std::string name_;
  std::size_t session_cap_;   // what the token allows us, beside the anchor
  std::size_t max_sessions_;  // guarded by mutex_
  bool cap_warned_ = false;   // guarded by mutex_

  std::mutex mutex_;
  std::condition_variable available_;
  std::uint64_t generation_ = 0;  // module generation of the sessions below
  std::uint64_t epoch_ = 0;       // recoveries so far: sessions of an earlier one are closed
  std::atomic<bool> signed_since_recovery_{true};
  // Opened with the login and never lent out: PKCS#11 logins last while any session is open, so
  // this keeps the login independent of pool sessions being discarded.
  std::optional<CK_SESSION_HANDLE> anchor_;
  bool logged_in_ = false;
  std::optional<PinSource> pin_;  // how we logged in, to do it again after fork()
  std::vector<CK_SESSION_HANDLE> idle_;
  std::size_t open_ = 0;  // pool sessions open (idle + lent)
  std::mutex always_auth_mutex_;
  bool context_pin_rejected_ = false;  // guarded by always_auth_mutex_
};

}  // namespace kpki
