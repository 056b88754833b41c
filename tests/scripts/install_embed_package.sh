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
#  - `cpack -G DEB` makes kpki_*.deb, whose Depends names the Debian package of every shared
#    library the binary needs (and no libpq), which holds the man page and completions but no
#    headers, and kpki-ledger-postgresql_*.deb with the module, whose Depends covers the module's
#    libraries; unpacked together, usr/bin/kpki --version runs and loads that module
#    (tests/scripts/deb_lintian.sh checks both packages with lintian).
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
for f in bin/kpki share/man/man1/kpki.1.gz share/bash-completion/completions/kpki \
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
module_deb=$(ls "$WORK"/deb/kpki-ledger-postgresql_*.deb 2>/dev/null | head -1)
names_of() { printf '%s' "$1" | tr ',|' '\n\n' | awk '{ print $1 }'; }
depends=$(dpkg-deb -f "$deb" Depends)
depends_names=$(names_of "$depends")
module_depends_names=""
[ -n "$module_deb" ] && module_depends_names=$(names_of "$(dpkg-deb -f "$module_deb" Depends)")
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
for lib in $(objdump -p "$KPKI" | awk '/NEEDED/ { print $2 }'); do
  pkg=$(owner "$lib")
  [ -n "$pkg" ] || continue  # a library no Debian package owns (a local build of it)
  if grep -qxF "$pkg" <<<"$depends_names"; then pass; else
    fail "Depends '$depends' lacks $pkg (for $lib)"
  fi
done
if grep -q '^libpq' <<<"$depends_names"; then fail "kpki depends on $(grep '^libpq' <<<"$depends_names")"; else pass; fi
if cache_on KPKI_WITH_POSTGRESQL; then
  if [ -n "$module_deb" ]; then pass; else fail "no kpki-ledger-postgresql_*.deb in $(ls "$WORK/deb")"; fi
  grep -qxF kpki <<<"$module_depends_names" && pass || fail "kpki-ledger-postgresql does not depend on kpki"
  for lib in $(objdump -p "$BUILD/lib/kpki/$MODULE" | awk '/NEEDED/ { print $2 }'); do
    pkg=$(owner "$lib")
    [ -n "$pkg" ] || continue
    if grep -qxF "$pkg" <<<"$module_depends_names"; then pass; else
      fail "kpki-ledger-postgresql's Depends lacks $pkg (for $lib)"
    fi
  done
fi
if grep -qxF libssl3 <<<"$depends_names"; then pass; else fail "Depends lacks libssl3: $depends"; fi
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/kpki ./usr/share/man/man1/kpki.1.gz ./usr/share/bash-completion/completions/kpki \
  ./usr/share/zsh/vendor-completions/_kpki ./usr/share/fish/vendor_completions.d/kpki.fish \
  ./usr/share/doc/kpki/copyright ./usr/share/doc/kpki/README.md ./usr/share/doc/kpki/docs/hsm.md; do
  if grep -q " $f\$" <<<"$contents"; then pass; else fail "$f not in the .deb"; fi
done
if grep -qE '/include/|\.a$' <<<"$contents"; then fail "headers or libraries in the .deb"; else pass; fi
if grep -q "/kpki/$MODULE\$" <<<"$contents"; then fail "$MODULE in the kpki .deb"; else pass; fi
dpkg-deb -x "$deb" unpacked
if [ "$(unpacked/usr/bin/kpki --version)" = "$VERSION" ]; then pass; else fail "unpacked kpki --version"; fi
if cache_on KPKI_WITH_POSTGRESQL; then
  if grep -q "/kpki/$MODULE\$" <<<"$(dpkg-deb -c "$module_deb")"; then pass; else
    fail "$MODULE not in kpki-ledger-postgresql"
  fi
  dpkg-deb -x "$module_deb" unpacked
  if loads_module unpacked/usr/bin/kpki; then pass; else fail "the .deb's kpki does not load its ledger module"; fi
fi

# --- the man page and the completion work -------------------------------------------------------
if grep -q '^\.TH KPKI 1' <<<"$(gzip -dc unpacked/usr/share/man/man1/kpki.1.gz)"; then pass; else fail "man page has no .TH"; fi
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
