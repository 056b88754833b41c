#pragma once
// Runs a callable that must throw kpki::Error and returns the error, for tests that check its code
// and fields; a call that does not throw is a test failure.
#include <gtest/gtest.h>

#include "core/util/error.h"

namespace kpki::testing {

template <class F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return Error(ErrorCode::CryptoError, "none");
}

}  // namespace kpki::testing
