#pragma once
// Exit codes, one per error class, so scripts can tell a wrong PIN from a missing file.
#include "core/util/error.h"

namespace kpki::cli {

// 0 ok; 1 verification failed / generic; 2 usage (CLI11); then one per ErrorCode.
inline int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidInput:
      return 3;
    case ErrorCode::NotFound:
      return 4;
    case ErrorCode::AlreadyExists:
      return 5;
    case ErrorCode::Unsupported:
      return 6;
    case ErrorCode::PinIncorrect:
      return 7;
    case ErrorCode::DeviceError:
      return 8;
    case ErrorCode::CryptoError:
      return 9;
  }
  return 1;
}

}  // namespace kpki::cli
