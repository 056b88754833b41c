# Unity builds (issue 23, "the main job builds fast"). Most of a file's compile time goes to what
# every file repeats: the standard library's and OpenSSL's templates and inline functions (strings,
# vectors, maps, nlohmann/json, CLI11), instantiated, optimised and given debug info again in each
# object. Compiling a library's files a few at a time in one unit does that work once per unit:
# the kpki target's CPU time drops by about half (README.md, "Build time"). A few units per
# library, an even number, keep both cores of a small machine busy (the Makefile generator builds
# one library after the other, each library's units side by side).
# Files compiled together share one scope: two files' anonymous-namespace or static names must
# differ (a clash fails the compile, a same name with other parameters would overload silently);
# tools/check_unity.py checks the units CMake wrote (the unity_names test). Files with their own
# compile definitions stay alone (CMake skips them). -DKPKI_UNITY_BUILD=OFF compiles file by file.
option(KPKI_UNITY_BUILD "Compile each library's files a few at a time in one unit" ON)

# kpki_unity_build(<target> [<files per unit>]): without a size, ~10 files per unit and an even
# number of units (at least two).
# The sanitizer trees (KPKI_SANITIZE, KPKI_TSAN, KPKI_FUZZ) keep compiling the libraries file by
# file, as they were checked: they are for finding bugs, not for a fast first build.
function(kpki_unity_build target)
  if(NOT KPKI_UNITY_BUILD)
    return()
  endif()
  if(ARGC GREATER 1)
    set(batch ${ARGV1})
  elseif(KPKI_SANITIZE OR KPKI_TSAN OR KPKI_FUZZ)
    return()
  else()
    get_target_property(sources ${target} SOURCES)
    list(FILTER sources INCLUDE REGEX "\\.cpp$")
    list(LENGTH sources files)
    math(EXPR units "(${files} + 9) / 10")
    math(EXPR units "${units} + ${units} % 2")
    math(EXPR batch "(${files} + ${units} - 1) / ${units}")
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${batch})
  # GCC's -Wsubobject-linkage flags a class whose member's type is in an anonymous namespace when
  # the class is not in the main file: meant for headers, it fires on every .cpp a unit includes
  # (core/issue/file_group.cpp). The file-by-file build (KPKI_UNITY_BUILD=OFF) keeps it.
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-Wno-subobject-linkage>)
endfunction()
