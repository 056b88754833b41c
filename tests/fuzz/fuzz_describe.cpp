// describe_file_content: what `kpki inspect` runs on any file, rendered as JSON and as text.
#include "core/issue/describe.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kpki::fuzz::expect_only_kpki_errors([&] {
    nlohmann::json description = kpki::describe_file_content(kpki::fuzz::bytes(data, size), "fuzz");
    (void)description.dump(2);
    (void)kpki::render_description_text(description);
  });
  return 0;
}
