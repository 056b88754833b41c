// Certificate::from_der / from_pem and every accessor kpki calls on a loaded certificate.
#include "core/x509/certificate.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

void exercise(const kpki::Certificate& cert) {
  using kpki::fuzz::expect_only_kpki_errors;
  expect_only_kpki_errors([&] { (void)cert.subject(); });
  expect_only_kpki_errors([&] { (void)cert.subject_alt_names(); });
  expect_only_kpki_errors([&] { (void)cert.public_key_der(); });
  (void)cert.extended_key_usage();
  (void)cert.not_before();
  (void)cert.not_after();
  (void)cert.serial_hex();
  (void)cert.is_ca();
  (void)cert.fingerprint_sha256();
  // What kpki accepted must be exactly what it writes back.
  kpki::Certificate again = kpki::Certificate::from_pem(cert.pem(), "round trip");
  kpki::fuzz::require(again.der() == cert.der(), "PEM round trip changes the certificate");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kpki::fuzz::expect_only_kpki_errors(
      [&] { exercise(kpki::Certificate::from_der(kpki::fuzz::bytes(data, size), "fuzz")); });
  kpki::fuzz::expect_only_kpki_errors(
      [&] { exercise(kpki::Certificate::from_pem(kpki::fuzz::text(data, size), "fuzz")); });
  return 0;
}
