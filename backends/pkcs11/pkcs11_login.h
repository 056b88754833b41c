#pragma once
// One C_Login with a PIN, the same way for the token's user login and for the per-signature
// login of a key with CKA_ALWAYS_AUTHENTICATE (CKU_CONTEXT_SPECIFIC): the token's PIN flags are
// checked first, the PIN is obtained, used and wiped, and a wrong PIN is never retried.
#include <p11-kit/pkcs11.h>

#include <string>

#include "backends/pkcs11/pkcs11_pin.h"

namespace kpki {

// Refuses (locked; final try without a person at a prompt) or warns (count low) from the token's
// flags, before any C_Login. `token` names the token ("token 'kube-ca' (serial ...)").
void check_pin_counters(CK_FLAGS token_flags, const PinSource& pin, const std::string& token);

// check_pin_counters, then C_Login(session, user, PIN). A token with a protected authentication
// path (PIN pad) gets no PIN. Throws PinIncorrect for CKR_PIN_INCORRECT, naming the token; returns
// normally on CKR_OK and CKR_USER_ALREADY_LOGGED_IN.
void pkcs11_login(CK_FUNCTION_LIST* fn, CK_SESSION_HANDLE session, CK_USER_TYPE user,
                  CK_FLAGS token_flags, const PinSource& pin, const std::string& token);

}  // namespace kpki
