// The parts of issuance that are not the signature: building the TBS DER, parsing a certificate
// back. They must stay far below one signature (see docs/backends.md).
#include <benchmark/benchmark.h>

#include "bench/micro/fixtures.h"
#include "core/issue/certificate_builder.h"
#include "core/x509/public_key.h"

namespace kpki::micro {
namespace {

void BM_BuildTbsCertificate(benchmark::State& state) {
  const CertificateRequest& request = apiserver_request();
  const Bytes issuer_name = {0x30, 0x00};
  const Bytes key_identifier(20, 0x42);
  const Bytes algorithm = bench_signer("openssl", Algorithm::EcdsaP256)->signature_algorithm();
  for (auto _ : state) {
    Bytes tbs =
        build_tbs_certificate(request, IssuerIdentity{issuer_name, key_identifier}, algorithm);
    benchmark::DoNotOptimize(tbs.data());
  }
}
BENCHMARK(BM_BuildTbsCertificate);

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
