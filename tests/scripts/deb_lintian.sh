#!/usr/bin/env bash
# The Debian packages a maintainer would accept (issue 23): `cpack -G DEB` from the build tree
# that made $KPKI gives kpki and kpki-ledger-postgresql; lintian reports no error on either (its
# warnings are printed, not failed); kpki ships /usr/share/doc/kpki (README.md, docs/, a DEP-5
# copyright, changelog.gz), a gzip -9n man page that names the installed docs, the bash, zsh and
# fish completions, Recommends bash-completion and does not depend on libpqxx; the module's
# package holds the module and depends on kpki.
source "$(dirname "$0")/lib/common.sh"
for tool in cpack dpkg-deb lintian; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (hsm-setup/install-deps.sh)"; exit 77; }
done
BUILD=$(dirname "$(dirname "$KPKI")")
[ -f "$BUILD/CPackConfig.cmake" ] || { echo "FAIL: $BUILD is not a build tree"; exit 1; }
cache_on() { grep -qE "^$1:BOOL=(ON|1|TRUE)" "$BUILD/CMakeCache.txt"; }
# A sanitizer build's binary is no package.
if cache_on KPKI_SANITIZE || cache_on KPKI_TSAN || cache_on KPKI_FUZZ; then echo "SKIP: sanitizer build"; exit 77; fi
cd "$WORK"

expect_ok "cpack -G DEB" cpack -G DEB -B "$WORK/deb" --config "$BUILD/CPackConfig.cmake"
deb=$(ls deb/kpki_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] && pass || { fail "no kpki_*.deb: $(ls deb)"; finish; exit; }
debs=("$deb")
module_deb=""
if cache_on KPKI_WITH_POSTGRESQL; then
  module_deb=$(ls deb/kpki-ledger-postgresql_*.deb 2>/dev/null | head -1)
  [ -n "$module_deb" ] && pass || fail "no kpki-ledger-postgresql_*.deb: $(ls deb)"
  [ -n "$module_deb" ] && debs+=("$module_deb")
fi

# lintian: E: lines fail, W: lines are listed. (--allow-root: CI runs as root.)
lintian --allow-root --tag-display-limit 0 "${debs[@]}" > lintian.txt 2>&1 || true
cat lintian.txt
errors=$(grep -E '^E: ' lintian.txt || true)
[ -z "$errors" ] && pass || fail "lintian errors: $errors"
grep -qE '^(E|W|I|N|P|O): |^$' lintian.txt || [ ! -s lintian.txt ] && pass || fail "lintian did not run: $(cat lintian.txt)"

contents=$(dpkg-deb -c "$deb")
for f in ./usr/share/doc/kpki/copyright ./usr/share/doc/kpki/changelog.gz ./usr/share/doc/kpki/README.md \
  ./usr/share/doc/kpki/docs/hsm.md ./usr/share/doc/kpki/docs/ca-lifecycle.md ./usr/share/man/man1/kpki.1.gz \
  ./usr/share/bash-completion/completions/kpki ./usr/share/zsh/vendor-completions/_kpki \
  ./usr/share/fish/vendor_completions.d/kpki.fish; do
  grep -q " $f\$" <<<"$contents" && pass || fail "$f not in $(basename "$deb")"
done
grep -q 'kpki-ledger-postgresql.so' <<<"$contents" && fail "the module is in the kpki package" || pass
dpkg-deb -x "$deb" root
head -1 root/usr/share/doc/kpki/copyright | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' &&
  pass || fail "copyright is not DEP-5"
# gzip -9n: no name, no time stamp (the bytes are the same every build).
header=$(od -An -tx1 -N10 root/usr/share/man/man1/kpki.1.gz | tr -d ' \n')
[ "${header:6:10}" = "0000000000" ] && pass || fail "man page gzip header has a name or time: $header"
[ "${header:16:2}" = "02" ] && pass || fail "man page not gzip -9 (xfl ${header:16:2})"
man=$(gzip -dc root/usr/share/man/man1/kpki.1.gz | sed 's/\\-/-/g')
grep -q '/usr/share/doc/kpki/docs/hsm.md' <<<"$man" && pass || fail "man page does not name /usr/share/doc/kpki/docs/hsm.md"
grep -q "$KPKI_SOURCE_DIR" <<<"$man" && fail "man page names the build machine's source tree" || pass

fields=$(dpkg-deb -f "$deb" Depends Recommends)
grep -q 'Recommends:.*bash-completion' <<<"$fields" && pass || fail "no Recommends: bash-completion: $fields"
grep -qE 'libpq' <<<"$(dpkg-deb -f "$deb" Depends)" && fail "kpki depends on libpq: $fields" || pass
if [ -n "$module_deb" ]; then
  grep -q ' ./usr/lib/kpki/kpki-ledger-postgresql.so$' <<<"$(dpkg-deb -c "$module_deb")" && pass ||
    fail "module package lacks usr/lib/kpki/kpki-ledger-postgresql.so"
  grep -qE '(^|, )kpki \(= ' <<<"$(dpkg-deb -f "$module_deb" Depends)" && pass ||
    fail "module package does not depend on kpki (=): $(dpkg-deb -f "$module_deb" Depends)"
  grep -q libpqxx <<<"$(dpkg-deb -f "$module_deb" Depends)" && pass ||
    fail "module package does not depend on libpqxx: $(dpkg-deb -f "$module_deb" Depends)"
  grep -q ' ./usr/share/doc/kpki-ledger-postgresql/copyright$' <<<"$(dpkg-deb -c "$module_deb")" && pass ||
    fail "module package has no copyright"
fi
finish
