#!/usr/bin/env bash
# Installs the Debian dependencies (if missing) and builds kpki.
#   hsm-setup/build.sh [--tool-only] [cmake configure arguments, e.g. -DKPKI_SANITIZE=ON]
#   --tool-only  only the `kpki` target and the module it loads (the PostgreSQL ledger's), with
#                only the packages that needs: no tests, no benchmarks, no man page
#   BUILD_DIR   build directory (default: build)
#   BUILD_TYPE  CMake build type (default: RelWithDebInfo)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$repo/build}
targets=()
deps=()
if [ "${1:-}" = "--tool-only" ]; then
  shift
  targets=(--target kpki)
  deps=(--tool-only)
fi
bash "$repo/hsm-setup/install-deps.sh" "${deps[@]}"
cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" "${targets[@]}"
echo "built $build_dir/cli/kpki"
