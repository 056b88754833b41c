// Proves a library was loaded: on dlopen its constructor writes "loaded" to $KPKI_TEST_MARKER.
// Tests point kpki at it from unsafe places and check the marker is never written. With
// $KPKI_TEST_MARKER_NOISE set it also prints that to stderr, as some modules do when loaded
// (tpm2-pkcs11's TCTI lines): a module kpki did not ask for must not add lines to its output.
#include <cstdio>
#include <cstdlib>

namespace {

__attribute__((constructor)) void write_marker() {
  if (const char* noise = std::getenv("KPKI_TEST_MARKER_NOISE")) {
    std::fprintf(stderr, "%s\n", noise);
  }
  const char* path = std::getenv("KPKI_TEST_MARKER");
  if (!path) return;
  if (std::FILE* f = std::fopen(path, "w")) {
    std::fputs("loaded\n", f);
    std::fclose(f);
  }
}

}  // namespace
