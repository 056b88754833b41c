#!/usr/bin/env bash
# Sets up (dependencies + build) and runs every test: GoogleTest units and the ctest scripts that
# check kpki against openssl, certtool, SoftHSM, etcd and kubectl.
#   --sanitize   build in build-asan with ASan + UBSan and run the suite there
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = "--sanitize" ]; then
  shift
  export BUILD_DIR=$repo/build-asan BUILD_TYPE=Debug
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  bash "$repo/hsm-setup/build.sh" -DKPKI_SANITIZE=ON -DKPKI_BENCH=OFF "$@"
else
  export BUILD_DIR=${BUILD_DIR:-$repo/build}
  bash "$repo/hsm-setup/build.sh" "$@"
fi
cd "$BUILD_DIR"
ctest --output-on-failure -j 2
