#!/usr/bin/env bash
# Installs the Debian dependencies (if missing) and builds kpki.
#   BUILD_DIR   build directory (default: build)
#   BUILD_TYPE  CMake build type (default: RelWithDebInfo)
#   extra arguments go to cmake's configure step, e.g. -DKPKI_SANITIZE=ON
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$repo/build}
bash "$repo/hsm-setup/install-deps.sh"
cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
echo "built $build_dir/cli/kpki"
