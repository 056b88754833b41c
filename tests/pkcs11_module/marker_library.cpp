// Proves a library was loaded: on dlopen its constructor writes "loaded" to $KPKI_TEST_MARKER.
// Tests point kpki at it from unsafe places and check the marker is never written.
#include <cstdio>
#include <cstdlib>

namespace {

__attribute__((constructor)) void write_marker() {
  const char* path = std::getenv("KPKI_TEST_MARKER");
  if (!path) return;
  if (std::FILE* f = std::fopen(path, "w")) {
    std::fputs("loaded\n", f);
    std::fclose(f);
  }
}

}  // namespace
