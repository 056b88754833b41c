// Pkcs11Token::recover: a token that dropped its sessions or its login in the middle of a run
// (pkcs11_token.h).
#include "backends/pkcs11/ck_error.h"
#include "backends/pkcs11/pkcs11_token.h"
#include "backends/pkcs11/pkcs11_warning.h"

namespace kpki {

bool is_session_lost(CK_RV rv) {
  return rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED ||
         rv == CKR_USER_NOT_LOGGED_IN || rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT;
}

void Pkcs11Token::recover(const Pkcs11Session& session, CK_RV rv) {
  std::lock_guard lock(mutex_);
  if (session.generation() != module_.generation()) return;  // a fork re-initialises anyway
  if (session.epoch() != epoch_) return;  // another thread saw the same loss and recovered
  if (!signed_since_recovery_.exchange(false)) {
    throw ck_error(ErrorCode::DeviceError,
                   name_ + " lost the session again after kpki logged in anew; not trying again",
                   rv);
  }
  ++epoch_;
  // What was opened before is closed (its handles may mean nothing now; errors are expected),
  // lent sessions as they come back (release).
  CK_FUNCTION_LIST* fn = module_.functions();
  for (CK_SESSION_HANDLE idle : idle_) fn->C_CloseSession(idle);
  open_ -= idle_.size();
  idle_.clear();
  if (anchor_) fn->C_CloseSession(*anchor_);
  anchor_.reset();
  logged_in_ = false;
  pkcs11_warn(name_ + " lost the session (" + ck_rv_name(rv) +
              "): opening a new one and logging in again");
  relocate_locked();  // throws CKR_TOKEN_NOT_PRESENT, naming the token, when it is not back
  if (!pin_) {
    logged_in_ = true;  // a token without CKF_LOGIN_REQUIRED: nothing to log in to
    return;
  }
  if (!pin_->repeatable()) {
    throw ck_error(ErrorCode::DeviceError,
                   name_ +
                       " lost its login and the PIN was typed at a prompt, which is not "
                       "kept; use pin-source=file:PATH",
                   rv);
  }
  login_locked(*pin_);  // a wrong or locked PIN throws here, and nothing tries again
}

}  // namespace kpki
