# `cpack -G DEB` from the build tree: two packages, as a Debian maintainer would split them.
#  - kpki_<version>_<arch>.deb (component "runtime"): the binary, its man page (gzip -9n), bash,
#    zsh and fish completions, /usr/share/doc/kpki (README.md, docs/, a DEP-5 copyright file,
#    changelog.gz). Recommends bash-completion.
#  - kpki-ledger-postgresql_<version>_<arch>.deb (component "postgresql"): the PostgreSQL ledger
#    module, /usr/lib/kpki/kpki-ledger-postgresql.so, which kpki loads only for a postgresql://
#    ledger; it alone depends on libpqxx, so the base package does not.
# Depends: dpkg-shlibdeps computes them (versioned) when present, else the lists below, which are
# what Debian 12 calls the libraries. tests/scripts/deb_lintian.sh builds both and runs lintian.
set(CPACK_PACKAGE_NAME kpki)
set(CPACK_PACKAGE_VENDOR "kpki")
# A release sets the real maintainer: -DKPKI_DEB_MAINTAINER="Name <address>".
set(KPKI_DEB_MAINTAINER "kpki maintainers <kpki-maintainers@example.org>" CACHE STRING
    "Maintainer field of the Debian packages")
set(CPACK_PACKAGE_CONTACT "${KPKI_DEB_MAINTAINER}")
# Each package's description: its first line is the synopsis (CPack would put a
# CPACK_PACKAGE_DESCRIPTION_SUMMARY before it, which lintian reports as duplicated).
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime)
if(KPKI_WITH_POSTGRESQL)
  list(APPEND CPACK_COMPONENTS_ALL postgresql)
endif()

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME kpki)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
"Kubernetes PKI issuance with CA keys on HSMs or in files
kpki issues a Kubernetes cluster's whole PKI (the kubeadm layout: CAs,
serving and client certificates, kubeconfigs) and single certificates,
through pluggable crypto backends: OpenSSL key files, Botan, and PKCS#11
tokens (HSMs, smart cards, SoftHSM), so that a CA's private key never has to
touch disk. Every certificate is verified before it is written and recorded
in an issuance ledger (SQLite; PostgreSQL with kpki-ledger-postgresql),
from which it can be revoked and CRLs published.")
set(CPACK_DEBIAN_POSTGRESQL_PACKAGE_NAME kpki-ledger-postgresql)
set(CPACK_DEBIAN_POSTGRESQL_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_POSTGRESQL_DESCRIPTION
"PostgreSQL issuance ledger for kpki
kpki records every certificate it signs in an issuance ledger. This package
adds the PostgreSQL storage, a module kpki loads only for a postgresql://
ledger, so that several signers can share one ledger; the kpki package
itself needs no PostgreSQL library.")
set(CPACK_DEBIAN_POSTGRESQL_PACKAGE_DEPENDS "kpki (= ${PROJECT_VERSION})")

find_program(KPKI_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(KPKI_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_POSTGRESQL_PACKAGE_SHLIBDEPS ON)
else()
  set(KPKI_DEB_DEPENDS libc6 libstdc++6 libgcc-s1 libssl3 libyaml-cpp0.7 libsqlite3-0)
  if(KPKI_WITH_BOTAN)
    list(APPEND KPKI_DEB_DEPENDS libbotan-2-19)
  endif()
  if(KPKI_WITH_PKCS11)
    list(APPEND KPKI_DEB_DEPENDS libp11-kit0)
  endif()
  if(KPKI_WITH_LIBP11 AND KPKI_WITH_PKCS11)
    list(APPEND KPKI_DEB_DEPENDS libp11-3)
  endif()
  list(JOIN KPKI_DEB_DEPENDS ", " CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS)
  string(APPEND CPACK_DEBIAN_POSTGRESQL_PACKAGE_DEPENDS
         ", libc6, libstdc++6, libgcc-s1, libssl3, libpqxx-6.4")
endif()
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "bash-completion")
if(KPKI_WITH_PKCS11)
  # PKCS#11 modules are loaded at run time; p11-kit's proxy is the default module.
  string(APPEND CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS ", p11-kit-modules")
  # libp11's OpenSSL engine: how openssl, curl and nginx reach the same token keys (docs/hsm.md).
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS
      "kpki-ledger-postgresql, softhsm2, libengine-pkcs11-openssl")
else()
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "kpki-ledger-postgresql")
endif()
include(CPack)
