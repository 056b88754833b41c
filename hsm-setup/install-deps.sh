#!/usr/bin/env bash
# Installs every Debian 12 package kpki needs to build, test and benchmark. Idempotent: only
# missing packages are installed, so a second run is a no-op.
set -euo pipefail

packages=(
  g++ cmake pkg-config make dpkg-dev
  libssl-dev openssl
  libp11-dev libengine-pkcs11-openssl libp11-kit-dev p11-kit p11-kit-modules softhsm2 opensc
  libbotan-2-dev botan
  libcli11-dev libgtest-dev libbenchmark-dev
  libyaml-cpp-dev nlohmann-json3-dev
  gnutls-bin etcd-server etcd-client
  libsqlite3-dev libsqlitecpp-dev libpq-dev libpqxx-dev postgresql
  golang-cfssl golang-go linux-perf
  gnuplot-nox clang libclang-rt-14-dev time
  # TPM 2.0 tokens (hsm-setup/make-tpm-token.sh): software TPM, resource manager on D-Bus,
  # tpm2-pkcs11 and its tpm2_ptool (python3-tpm2-pkcs11-tools comes with it)
  swtpm swtpm-tools tpm2-abrmd libtss2-tcti-tabrmd0 libtpm2-pkcs11-1 libtpm2-pkcs11-tools
  tpm2-tools dbus
)

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
