#include "backends/pkcs11/pkcs11_login.h"

#include "backends/pkcs11/ck_error.h"
#include "backends/pkcs11/pkcs11_warning.h"

namespace kpki {

void check_pin_counters(CK_FLAGS flags, const PinSource& pin, const std::string& token) {
  if (flags & CKF_USER_PIN_LOCKED) {
    throw ck_error(ErrorCode::PinIncorrect, "the user PIN of " + token + " is locked",
                   CKR_PIN_LOCKED);
  }
  // Real devices lock after a few wrong PINs. A PIN from a file or URI may be the stale one that
  // used the other tries up, so it never gets the last one; a person at a prompt may decide.
  bool person = pin.interactive() || (flags & CKF_PROTECTED_AUTHENTICATION_PATH);
  if ((flags & CKF_USER_PIN_FINAL_TRY) && !person) {
    throw Error(ErrorCode::PinIncorrect,
                "the user PIN of " + token + " has one try left, not attempting a login",
                "CKF_USER_PIN_FINAL_TRY");
  }
  if (flags & CKF_USER_PIN_FINAL_TRY) {
    pkcs11_warn("the user PIN of " + token + " has one try left; a wrong PIN locks the token");
  } else if (flags & CKF_USER_PIN_COUNT_LOW) {
    // SoftHSM sets this after any failed login until one succeeds; devices when few tries remain.
    pkcs11_warn(token +
                " reports failed logins (CKF_USER_PIN_COUNT_LOW): further wrong PINs may "
                "lock it");
  }
}

void pkcs11_login(CK_FUNCTION_LIST* fn, CK_SESSION_HANDLE session, CK_USER_TYPE user,
                  CK_FLAGS flags, const PinSource& pin, const std::string& token) {
  check_pin_counters(flags, pin, token);
  CK_RV rv;
  if (flags & CKF_PROTECTED_AUTHENTICATION_PATH) {
    rv = fn->C_Login(session, user, nullptr, 0);  // PIN pad or touch on the device
  } else {
    Secret secret = pin.obtain(token);  // wiped when this scope ends
    // An empty PIN is never right and would cost a try on a device that counts them.
    if (secret.reveal().empty()) {
      throw Error(ErrorCode::InvalidInput,
                  "the PIN for " + token + " is empty; not attempting a login");
    }
    auto* bytes = reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(secret.reveal().data()));
    rv = fn->C_Login(session, user, bytes, secret.reveal().size());
  }
  if (rv == CKR_PIN_INCORRECT) {
    throw ck_error(ErrorCode::PinIncorrect,
                   "wrong PIN for " + token + " (not retried: repeated failures lock the token)",
                   rv);
  }
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) throw_ck(rv, "cannot log in to " + token);
}

}  // namespace kpki
