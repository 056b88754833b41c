#!/usr/bin/env bash
# The engine as an installed library and a Debian package, from the build tree that made $KPKI:
#  - `cmake --install` puts bin/kpki, the man page, the bash completion, the public headers (whose
#    own #include lines resolve inside include/kpki), the static libraries and kpkiConfig.cmake
#    under a fresh prefix, and the PostgreSQL ledger module under lib/kpki; the installed kpki
#    loads the module for a postgresql:// ledger while linking no libpq itself (from the
#    compiled-in directories only: here the build tree's, since this prefix is not the configured
#    one; a copy of kpki never looks beside itself);
#  - examples/embed, configured against that prefix only, builds warning-free, registers its own
#    backend ("memory:" keys), issues a CA and a server certificate, and `openssl verify` accepts
#    them;
#  - `cpack -G DEB` makes a .deb whose Depends names the Debian package of every shared library
#    the binary and the ledger module need, which holds the man page, completion and module but no
#    headers, and whose unpacked usr/bin/kpki --version runs and loads that module.
source "$(dirname "$0")/lib/common.sh"
# Checks read here-strings, not pipes: under pipefail, grep -q exiting at its first match can kill
# the writer with SIGPIPE and fail a check that matched.
command -v dpkg-deb >/dev/null && command -v cpack >/dev/null || { echo "no dpkg-deb/cpack"; exit 77; }
BUILD=$(dirname "$(dirname "$KPKI")")
[ -f "$BUILD/CMakeCache.txt" ] || { echo "FAIL: $BUILD is not a build tree"; exit 1; }
VERSION=$("$KPKI" --version)
cd "$WORK"

# --- cmake --install ----------------------------------------------------------------------------
P=$WORK/prefix
expect_ok "cmake --install" cmake --install "$BUILD" --prefix "$P"
libdir=$(dirname "$(find "$P" -name kpkiConfig.cmake | head -1)")/../..
for f in bin/kpki share/man/man1/kpki.1 share/bash-completion/completions/kpki \
  include/kpki/core/keys/signer.h include/kpki/core/issue/authority.h \
  include/kpki/core/keys/key_registry.h include/kpki/backends/backends.h; do
  if [ -f "$P/$f" ]; then pass; else fail "cmake --install: $f missing"; fi
done
for f in libkpki_core_util.a libkpki_core_issue.a libkpki_core_kubernetes.a libkpki_backends.a cmake/kpki/kpkiConfig.cmake \
  cmake/kpki/kpkiConfigVersion.cmake cmake/kpki/kpkiTargets.cmake; do
  if [ -f "$libdir/$f" ]; then pass; else fail "cmake --install: lib/$f missing"; fi
done
if [ -n "$(find "$P" -name 'libkpki_bench*')" ]; then fail "bench library installed"; else pass; fi
# Every quoted include of an installed header names another installed header.
unresolved=$(cd "$P/include/kpki" && for h in $(find . -name '*.h'); do
  sed -n 's/^#include "\(.*\)"/\1/p' "$h" | while read -r inc; do
    [ -f "$inc" ] || echo "$h includes $inc"
  done
done)
if [ -z "$unresolved" ]; then pass; else fail "installed headers include what is not installed: $unresolved"; fi
if [ "$("$P/bin/kpki" --version)" = "$VERSION" ]; then pass; else fail "installed kpki --version"; fi

# --- the PostgreSQL ledger module: loaded on demand, never linked ----------------------------------
cache_on() { grep -qE "^$1:BOOL=(ON|1|TRUE)" "$BUILD/CMakeCache.txt"; }
MODULE=kpki-ledger-postgresql.so
if grep -q 'libpq' <<<"$(ldd "$P/bin/kpki")"; then fail "installed kpki links libpq"; else pass; fi
# loads_module KPKI: a postgresql:// ledger with no server behind it gets as far as connecting,
# which only the module does.
loads_module() {
  local out
  out=$("$1" ledger list --ledger "postgresql:///kpki?host=$WORK/no-server" 2>&1) && return 1
  grep -q "cannot connect to ledger" <<<"$out"
}
if cache_on KPKI_WITH_POSTGRESQL; then
  if [ -f "$libdir/kpki/$MODULE" ]; then pass; else fail "cmake --install: lib/kpki/$MODULE missing"; fi
  if loads_module "$P/bin/kpki"; then pass; else fail "installed kpki does not load its ledger module"; fi
  # A copy of kpki never looks beside itself: something planted under the module's name in the
  # copy's ../lib/kpki is not loaded (tests/scripts/ledger_module_location.sh proves it with a
  # library that leaves a marker).
  mkdir -p lone/bin lone/lib/kpki && cp "$P/bin/kpki" lone/bin/
  echo 'int not_a_kpki_module;' | "$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")" \
    -shared -fPIC -x c++ - -o "lone/lib/kpki/$MODULE"
  out=$(lone/bin/kpki ledger list --ledger "postgresql:///kpki?host=$WORK/no-server" 2>&1) || true
  case $out in
    *"$(realpath lone)"*) fail "a copied kpki looked in its own ../lib/kpki: $out" ;;
    *) pass ;;
  esac
fi

# --- examples/embed against the installed package ------------------------------------------------
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
launcher=$(sed -n 's/^CMAKE_CXX_COMPILER_LAUNCHER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
# A sanitizer build's static libraries need the sanitizer runtime in the program that links them.
san=""
cache_on KPKI_SANITIZE && san="-fsanitize=address,undefined"
cache_on KPKI_FUZZ && san="-fsanitize=address,undefined"
cache_on KPKI_TSAN && san="-fsanitize=thread"
expect_ok "configure examples/embed" cmake -S "$KPKI_SOURCE_DIR/examples/embed" -B embed \
  -DCMAKE_PREFIX_PATH="$P" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror $san" \
  -DCMAKE_EXE_LINKER_FLAGS="$san"
expect_ok "build examples/embed" cmake --build embed
mkdir out
if out=$(./embed/kpki_embed out 2>&1); then pass; else fail "kpki_embed: $out"; fi
if grep -q 'issued CN=embed-server by CN=embed-ca' <<<"$out"; then pass; else
  fail "kpki_embed output: $out"
fi
expect_ok "openssl verify of the embedded issuance" openssl verify -CAfile out/ca.crt \
  -purpose sslserver -verify_hostname embed.example out/server.crt

# --- cpack -G DEB -------------------------------------------------------------------------------
expect_ok "cpack -G DEB" cpack -G DEB -B "$WORK/deb" --config "$BUILD/CPackConfig.cmake"
deb=$(ls "$WORK"/deb/kpki_*.deb 2>/dev/null | head -1)
if [ -n "$deb" ]; then pass; else fail "no kpki_*.deb in $(ls "$WORK/deb")"; finish; exit; fi
depends=$(dpkg-deb -f "$deb" Depends)
depends_names=$(printf '%s' "$depends" | tr ',|' '\n\n' | awk '{ print $1 }')
# owner SONAME: the Debian package that holds the library the binary loads under SONAME.
owner() {
  local path
  path=$({ ldd "$KPKI"; cache_on KPKI_WITH_POSTGRESQL && ldd "$BUILD/lib/kpki/$MODULE"; } |
    awk -v l="$1" '$1 == l { print $3; exit }')
  [ -n "$path" ] || return 0
  local p found
  for p in "$path" "$(realpath "$path")" "${path#/usr}" "/usr$path"; do
    found=$(dpkg -S "$p" 2>/dev/null | head -1 | cut -d: -f1) || true
    if [ -n "$found" ]; then echo "$found"; return; fi
  done
}
module_needs=""
cache_on KPKI_WITH_POSTGRESQL && module_needs=$(objdump -p "$BUILD/lib/kpki/$MODULE" | awk '/NEEDED/ { print $2 }')
for lib in $(objdump -p "$KPKI" | awk '/NEEDED/ { print $2 }') $module_needs; do
  pkg=$(owner "$lib")
  [ -n "$pkg" ] || continue  # a library no Debian package owns (a local build of it)
  if grep -qxF "$pkg" <<<"$depends_names"; then pass; else
    fail "Depends '$depends' lacks $pkg (for $lib)"
  fi
done
if grep -qxF libssl3 <<<"$depends_names"; then pass; else fail "Depends lacks libssl3: $depends"; fi
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/kpki ./usr/share/man/man1/kpki.1 ./usr/share/bash-completion/completions/kpki; do
  if grep -q " $f\$" <<<"$contents"; then pass; else fail "$f not in the .deb"; fi
done
if grep -qE '/include/|\.a$' <<<"$contents"; then fail "headers or libraries in the .deb"; else pass; fi
dpkg-deb -x "$deb" unpacked
if [ "$(unpacked/usr/bin/kpki --version)" = "$VERSION" ]; then pass; else fail "unpacked kpki --version"; fi
if cache_on KPKI_WITH_POSTGRESQL; then
  if grep -q "/kpki/$MODULE\$" <<<"$contents"; then pass; else fail "$MODULE not in the .deb"; fi
  if loads_module unpacked/usr/bin/kpki; then pass; else fail "the .deb's kpki does not load its ledger module"; fi
fi

# --- the man page and the completion work -------------------------------------------------------
if grep -q '^\.TH KPKI 1' unpacked/usr/share/man/man1/kpki.1; then pass; else fail "man page has no .TH"; fi
# complete WORDS...: what the completion offers for the last (partial) word.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _kpki; printf "%s\n" "${COMPREPLY[@]}"' \
    _ unpacked/usr/share/bash-completion/completions/kpki "$@"
}
if grep -qx issue <<<"$(complete_words kpki "")"; then pass; else fail "completion: no 'issue' verb"; fi
if grep -qx create <<<"$(complete_words kpki ca "")"; then pass; else fail "completion: no 'ca create'"; fi
if grep -qx -- --profile <<<"$(complete_words kpki issue --pro)"; then pass; else fail "completion: no --profile"; fi
if grep -qx server <<<"$(complete_words kpki issue --profile "")"; then pass; else fail "completion: no profile values"; fi
finish
