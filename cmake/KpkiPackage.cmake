# `cpack -G DEB` from the build tree: a kpki_<version>_<arch>.deb with the binary, its man page,
# bash completion and PostgreSQL ledger module (the "runtime" component; headers and static
# libraries are for `cmake --install`). Depends names the Debian runtime packages of the libraries
# the binary and the module need:
# dpkg-shlibdeps computes them (versioned) when present, else the list below, which is what
# Debian 12 calls them.
set(CPACK_PACKAGE_NAME kpki)
set(CPACK_PACKAGE_VENDOR "kpki")
set(CPACK_PACKAGE_CONTACT "kpki maintainers <kpki@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Kubernetes PKI issuance through pluggable crypto backends (OpenSSL, Botan, PKCS#11)")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};kpki;runtime;/")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)

find_program(KPKI_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(KPKI_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(KPKI_DEB_DEPENDS libc6 libstdc++6 libgcc-s1 libssl3 libyaml-cpp0.7 libsqlite3-0)
  if(KPKI_WITH_POSTGRESQL)  # for the ledger module, usr/lib/kpki/kpki-ledger-postgresql.so
    list(APPEND KPKI_DEB_DEPENDS libpqxx-6.4)
  endif()
  if(KPKI_WITH_BOTAN)
    list(APPEND KPKI_DEB_DEPENDS libbotan-2-19)
  endif()
  if(KPKI_WITH_PKCS11)
    list(APPEND KPKI_DEB_DEPENDS libp11-kit0)
  endif()
  if(KPKI_WITH_LIBP11 AND KPKI_WITH_PKCS11)
    list(APPEND KPKI_DEB_DEPENDS libp11-3)
  endif()
  list(JOIN KPKI_DEB_DEPENDS ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
endif()
if(KPKI_WITH_PKCS11)
  # PKCS#11 modules are loaded at run time; p11-kit's proxy is the default module.
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "p11-kit-modules")
  # libp11's OpenSSL engine: how openssl, curl and nginx reach the same token keys (docs/hsm.md).
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "softhsm2, libengine-pkcs11-openssl")
endif()
include(CPack)
