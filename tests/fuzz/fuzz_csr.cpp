// parse_csr (PEM or DER, signature check, subject and SAN extraction) and the key policy check.
#include "core/issue/csr.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kpki::fuzz::expect_only_kpki_errors([&] {
    kpki::SigningRequest csr = kpki::parse_csr(kpki::fuzz::bytes(data, size), "fuzz");
    kpki::fuzz::require(!csr.public_key_der.empty(), "accepted CSR without a public key");
    kpki::fuzz::require(!csr.subject.common_name.empty() || !csr.sans.empty(),
                        "accepted CSR with neither CN nor SANs");
    (void)kpki::check_public_key_policy(csr.public_key_der, "fuzz");
  });
  return 0;
}
