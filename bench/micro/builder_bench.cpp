// The parts of issuance that are not the signature: building the TBS, encoding it, parsing a
// certificate back. They must stay far below one signature (see docs/backends.md).
#include <benchmark/benchmark.h>

#include "bench/micro/fixtures.h"
#include "core/issue/certificate_builder.h"
#include "core/x509/public_key.h"

namespace kpki::micro {
namespace {

void BM_BuildUnsignedCertificate(benchmark::State& state) {
  const CertificateRequest& request = apiserver_request();
  IssuerIdentity issuer{nullptr, Bytes(20, 0x42)};
  for (auto _ : state) {
    X509Ptr x = build_unsigned_certificate(request, issuer);
    benchmark::DoNotOptimize(x.get());
  }
}
BENCHMARK(BM_BuildUnsignedCertificate);

void BM_EncodeTbs(benchmark::State& state) {
  X509Ptr x =
      build_unsigned_certificate(apiserver_request(), IssuerIdentity{nullptr, Bytes(20, 1)});
  for (auto _ : state) {
    unsigned char* out = nullptr;
    int len = i2d_re_X509_tbs(x.get(), &out);  // re-encodes, as issuance does after the edits
    benchmark::DoNotOptimize(len);
    OPENSSL_free(out);
  }
}
BENCHMARK(BM_EncodeTbs);

// What issuance avoids: OpenSSL 3.0 decodes the public key of every certificate it parses.
void BM_ParseCertificate(benchmark::State& state) {
  auto authority = bench_authority(bench_signer("openssl", Algorithm::EcdsaP256));
  Bytes der = authority.issue(apiserver_request()).certificate.der();
  for (auto _ : state) {
    Certificate parsed = Certificate::from_der(der);
    benchmark::DoNotOptimize(parsed.x509());
  }
}
BENCHMARK(BM_ParseCertificate);

void BM_PublicKeyFromDer(benchmark::State& state) {
  const Bytes& spki = apiserver_request().subject_public_key;
  for (auto _ : state) benchmark::DoNotOptimize(public_key_from_der(spki).get());
}
BENCHMARK(BM_PublicKeyFromDer);

}  // namespace
}  // namespace kpki::micro
