#pragma once
// CK_RV -> kpki::Error. The CK_RV name ("CKR_PIN_INCORRECT") is always the cause, so a user can
// look it up in the token's documentation; the code says what kind of failure it was; the CK_RV
// itself is the error's device_code(), which is what callers compare.
#include <p11-kit/pkcs11.h>

#include <string>
#include <string_view>

#include "core/util/error.h"

namespace kpki {

// "CKR_PIN_INCORRECT", or "CKR_0x..." for values this table does not know (vendor codes).
std::string ck_rv_name(CK_RV rv);

// The neutral code for `rv`: PinIncorrect for PIN failures, NotFound for a missing token,
// Unsupported for mechanisms/curves the token lacks, DeviceError otherwise.
ErrorCode ck_error_code(CK_RV rv);

// Error(code, message, ck_rv_name(rv)) with device_code() == rv.
Error ck_error(ErrorCode code, std::string message, CK_RV rv);

// Throws ck_error(ck_error_code(rv), message, rv).
[[noreturn]] void throw_ck(CK_RV rv, std::string message);

// Throws unless rv == CKR_OK.
inline void check_ck(CK_RV rv, std::string_view what) {
  if (rv != CKR_OK) throw_ck(rv, std::string(what));
}

}  // namespace kpki
