// parse_pkcs11_uri (RFC 7512) and its printers: rejects with kpki::Error or yields a URI whose id
// survives percent-encoding. Built when the PKCS#11 backend is (tests/fuzz/CMakeLists.txt).
#include "backends/pkcs11/pkcs11_uri.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text = kpki::fuzz::text(data, size);
  kpki::fuzz::expect_only_kpki_errors([&] { (void)kpki::redact_key_uri(text); });
  kpki::fuzz::expect_only_kpki_errors([&] {
    kpki::Pkcs11Uri uri = kpki::parse_pkcs11_uri(text);
    (void)uri.object_description();
    (void)uri.has_object_selector();
    if (uri.id) {
      (void)kpki::to_hex(*uri.id);
      kpki::Pkcs11Uri again = kpki::parse_pkcs11_uri("pkcs11:id=" + kpki::percent_encode(*uri.id));
      kpki::fuzz::require(again.id == uri.id, "percent_encode(id) does not parse back");
    }
  });
  return 0;
}
