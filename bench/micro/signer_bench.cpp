// Each backend's Signer on each algorithm, one signature per iteration over a TBS-sized message,
// and full issuance (build + sign + verify + PEM) through each backend.
#include <benchmark/benchmark.h>

#include <string>

#include "bench/micro/fixtures.h"

namespace kpki::micro {
namespace {

const Bytes& tbs_sized_message() {
  static const Bytes message(720, 0x5a);  // the kube-apiserver TBSCertificate is ~720 bytes
  return message;
}

void BM_Sign(benchmark::State& state, std::string backend, Algorithm algorithm) {
  auto signer = bench_signer(backend, algorithm);
  if (!signer) {
    state.SkipWithError((backend + " backend not compiled in").c_str());
    return;
  }
  const Bytes& message = tbs_sized_message();
  for (auto _ : state) benchmark::DoNotOptimize(signer->sign(message));
}

void BM_Issue(benchmark::State& state, std::string backend, Algorithm algorithm) {
  auto signer = bench_signer(backend, algorithm);
  if (!signer) {
    state.SkipWithError((backend + " backend not compiled in").c_str());
    return;
  }
  Authority authority = bench_authority(signer);
  for (auto _ : state)
    benchmark::DoNotOptimize(authority.issue(apiserver_request()).certificate.pem());
}

// Registered at start-up for every backend x algorithm: BM_Sign/botan/ecdsa-p256, ...
[[maybe_unused]] const bool registered = [] {
  for (std::string backend : {"openssl", "botan"}) {
    for (Algorithm algorithm : kAllAlgorithms) {
      std::string suffix = backend + "/" + std::string(algorithm_name(algorithm));
      benchmark::RegisterBenchmark(("BM_Sign/" + suffix).c_str(), BM_Sign, backend, algorithm)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
      // Multi-threaded signing: the Signer contract says sign() is safe from many threads.
      benchmark::RegisterBenchmark(("BM_Sign/" + suffix).c_str(), BM_Sign, backend, algorithm)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime()
          ->ThreadRange(2, 4);
      benchmark::RegisterBenchmark(("BM_Issue/" + suffix).c_str(), BM_Issue, backend, algorithm)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
  }
  return true;
}();

}  // namespace
}  // namespace kpki::micro
