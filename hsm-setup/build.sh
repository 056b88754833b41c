#!/usr/bin/env bash
# Installs the Debian dependencies (if missing) and builds kpki.
#   hsm-setup/build.sh [--tool-only] [cmake configure arguments, e.g. -DKPKI_SANITIZE=ON]
#   --tool-only  only the `kpki` target and the module it loads (the PostgreSQL ledger's), with
#                only the packages that needs: no tests, no benchmarks, no man page
#                (and no debug info: see below)
#   BUILD_DIR   build directory (default: build)
#   BUILD_TYPE  CMake build type (default: RelWithDebInfo; Release with --tool-only)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$repo/build}
targets=()
deps=()
build_type=${BUILD_TYPE:-RelWithDebInfo}
type_flags=()
if [ "${1:-}" = "--tool-only" ]; then
  shift
  targets=(--target kpki)
  deps=(--tool-only)
  # The tool alone is a user's first run, not a debugging session: Release, at the -O2 the tests
  # run (CMake's Release would be -O3), so the code is the tested build's without its -g, which
  # costs ~30% of the compile time and makes a 70 MB binary of a 3.5 MB one (README.md, "Build
  # time"). BUILD_TYPE=RelWithDebInfo keeps the debug info.
  build_type=${BUILD_TYPE:-Release}
  type_flags=("-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG")
fi
bash "$repo/hsm-setup/install-deps.sh" "${deps[@]}"
cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" "${type_flags[@]}" "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" "${targets[@]}"
echo "built $build_dir/cli/kpki"
