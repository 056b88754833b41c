# `cmake --install build --prefix P`: the kpki binary, its man page and bash completion (component
# "runtime", what the .deb ships), and the engine as a CMake package (component "devel"): the
# public headers under include/kpki/, the static libraries and kpkiConfig.cmake, so that
# find_package(kpki) + target_link_libraries(app PRIVATE kpki::kpki) works. Which headers are
# public is said in docs/architecture.md ("Public headers").
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(KPKI_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/kpki)

# kpki::kpki: the whole engine (core + every backend this build has), for consumers that do not
# care about the split.
add_library(kpki_engine INTERFACE)
target_link_libraries(kpki_engine INTERFACE kpki_backends kpki_core)
set_target_properties(kpki_core PROPERTIES EXPORT_NAME core)
set_target_properties(kpki_backends PROPERTIES EXPORT_NAME backends)
set_target_properties(kpki_engine PROPERTIES EXPORT_NAME kpki)
add_library(kpki::core ALIAS kpki_core)
add_library(kpki::backends ALIAS kpki_backends)
add_library(kpki::kpki ALIAS kpki_engine)

install(TARGETS kpki RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/kpki.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/kpki.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME kpki
        COMPONENT runtime)

install(TARGETS kpki_core ${KPKI_CORE_LAYER_TARGETS} kpki_backends kpki_engine EXPORT kpkiTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT devel
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT devel)
# Headers keep their source layout under include/kpki, which is the exported include directory:
# an installed consumer writes #include "core/keys/signer.h", as kpki's own sources do.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kpki/core
        COMPONENT devel FILES_MATCHING PATTERN "*.h")
file(GLOB KPKI_PUBLIC_BACKEND_HEADERS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/backends/*.h)
install(FILES ${KPKI_PUBLIC_BACKEND_HEADERS}
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kpki/backends COMPONENT devel)

install(EXPORT kpkiTargets NAMESPACE kpki:: DESTINATION ${KPKI_CMAKE_DIR} COMPONENT devel)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/kpkiConfig.cmake.in
  ${PROJECT_BINARY_DIR}/kpkiConfig.cmake INSTALL_DESTINATION ${KPKI_CMAKE_DIR})
# 0.x: a minor version may break the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kpkiConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kpkiConfig.cmake ${PROJECT_BINARY_DIR}/kpkiConfigVersion.cmake
        DESTINATION ${KPKI_CMAKE_DIR} COMPONENT devel)
