#!/usr/bin/env bash
# Installs every Debian 12 package kpki needs to build, test and benchmark. Idempotent: only
# missing packages are installed, so a second run is a no-op.
#   --tool-only  only what building the kpki tool and running hsm-setup/demo.sh need (a fresh
#                machine's first run: the test tools, etcd, Go, clang, PostgreSQL and the TPM
#                stack are most of the download)
set -euo pipefail

# Building kpki (its configure step finds GoogleTest and Google Benchmark too) and the demo's
# SoftHSM token.
tool_packages=(
  g++ cmake pkg-config make
  libssl-dev openssl
  libp11-dev libp11-kit-dev p11-kit p11-kit-modules softhsm2 opensc
  libbotan-2-dev
  libcli11-dev libgtest-dev libbenchmark-dev
  libyaml-cpp-dev nlohmann-json3-dev
  libsqlite3-dev libsqlitecpp-dev libpq-dev libpqxx-dev
)
# The tests, benchmarks and packaging (lintian checks the .deb; zsh and fish run the generated
# completions).
test_packages=(
  dpkg-dev lintian zsh fish
  libengine-pkcs11-openssl botan
  gnutls-bin etcd-server etcd-client
  postgresql
  golang-cfssl golang-go linux-perf
  gnuplot-nox clang libclang-rt-14-dev time
  # TPM 2.0 tokens (hsm-setup/make-tpm-token.sh): software TPM, resource manager on D-Bus,
  # tpm2-pkcs11 and its tpm2_ptool (python3-tpm2-pkcs11-tools comes with it)
  swtpm swtpm-tools tpm2-abrmd libtss2-tcti-tabrmd0 libtpm2-pkcs11-1 libtpm2-pkcs11-tools
  tpm2-tools dbus
)
packages=("${tool_packages[@]}")
if [ "${1:-}" != "--tool-only" ]; then
  packages+=("${test_packages[@]}")
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
