#include "cli/bench/bench_runner.h"

#include <iostream>
#include <memory>
#include <thread>

#include "backends/backends.h"
#include "cli/bench/bench_environment.h"
#include "cli/bench/bench_subjects.h"
#include "cli/bench/progress.h"
#include "cli/bench/reference_loops.h"
#include "core/issue/authority.h"
#include "core/keys/key_removal.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki::bench {

namespace {

using Seconds = std::chrono::duration<double>;

void check_backends(const BenchOptions& options) {
  for (const auto& backend : options.backends) {
    if (backend != "openssl" && backend != "botan" && backend != "pkcs11" && backend != "libp11") {
      throw Error(ErrorCode::InvalidInput,
                  "unknown backend '" + backend + "' (expected openssl, botan, pkcs11 or libp11)");
    }
    std::string scheme = backend == "openssl" ? "file" : backend;
    if (!key_registry().supports(scheme)) {
      throw Error(ErrorCode::Unsupported, "kpki was built without the " + backend + " backend");
    }
    if ((backend == "pkcs11" || backend == "libp11") && options.pkcs11_uri.empty()) {
      throw Error(ErrorCode::InvalidInput,
                  "the " + backend + " backend needs --pkcs11-uri (a token URI)");
    }
  }
}

// The token keys this run generated, destroyed when the run ends (however it ends): a bench
// leaves nothing on the token that was not there before (keys that were are left alone).
class TokenKeysMade {
 public:
  explicit TokenKeysMade(std::string pkcs11_module) : module_(std::move(pkcs11_module)) {}
  TokenKeysMade(const TokenKeysMade&) = delete;
  TokenKeysMade& operator=(const TokenKeysMade&) = delete;
  ~TokenKeysMade() {
    KeyOptions options;
    options.pkcs11_module = module_;
    for (const auto& uri : uris_) {
      try {
        key_registry().capability<KeyRemover>(uri, "remove keys").remove_key(uri, options);
        std::cerr << "removed the bench key " << redact_key_uri(uri) << " from its token\n";
      } catch (const Error& e) {
        std::cerr << "kpki: warning: could not remove the bench key " << redact_key_uri(uri) << ": "
                  << e.message() << "\n";
      }
    }
  }
  void add(const std::string& uri) { uris_.push_back(uri); }

 private:
  std::string module_;
  std::vector<std::string> uris_;
};

// Mean key generation time: repeated (overwriting) until `budget` is spent, at least once.
double time_key_generation(const BenchKey& key, Algorithm algorithm, Seconds budget) {
  KeyOptions options;
  options.force = true;
  KeyManager& manager = key_registry().manager_for(key.uri);
  int count = 0;
  auto begin = std::chrono::steady_clock::now();
  Seconds spent{0};
  do {
    manager.generate(key.uri, algorithm, options);
    ++count;
    spent = std::chrono::steady_clock::now() - begin;
  } while (spent < budget && count < 50);
  return spent.count() * 1000.0 / count;
}

BenchRow measure_cell(const std::string& backend, Algorithm algorithm, const BenchOptions& options,
                      int threads, const BenchScratch& scratch, Progress& progress,
                      TokenKeysMade& made) {
  BenchRow row;
  row.algorithm = algorithm;
  row.backend = backend;
  row.threads = threads;
  BenchKey key = bench_key(backend, algorithm, options, scratch);
  KeyOptions key_options;
  key_options.pkcs11_module = options.pkcs11_module;

  progress.detail("key generation");
  if (key.is_file) {
    row.keygen_ms = time_key_generation(key, algorithm, options.duration / 2);
  } else {
    // Token keys: generated and timed unless a key with the label is there already (used as it
    // is, left on the token); the ones made here are removed when the run ends.
    // libp11 rows use the pkcs11 rows' key (libp11 0.4.12 generates none), made by the raw driver.
    bool created = false;
    auto begin = std::chrono::steady_clock::now();
    key_registry().open_or_generate(key.token_uri, algorithm, key_options, &created);
    if (created) {
      made.add(key.token_uri);
      row.keygen_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin)
              .count();
    }
  }
  std::shared_ptr<const Signer> signer =
      key_registry().manager_for(key.uri).open(key.uri, key_options);

  // The message is a real TBSCertificate, so hashing costs what it costs in issuance.
  IssuanceFixture fixture = make_issuance_fixture(signer);
  ByteView message = fixture.tbs;

  // Everything compared with everything else is measured interleaved, on one thread.
  progress.detail("sign, issue and library references, 1 thread");
  auto sign = shared_operation([&signer, message] { signer->sign(message); });
  auto issue =
      shared_operation([&fixture] { fixture.authority->issue(fixture.leaf).certificate.pem(); });
  std::optional<ReferenceLoop> reference;
  if (backend == "openssl") {
    reference = openssl_sign_reference(key.path, message);
  } else if (backend == "botan") {
    reference = botan_sign_reference(key.path, message);
  } else {
    // Both token rows take their ratio to the raw C_Sign loop on the same key.
    reference = pkcs11_sign_reference(key.token_uri, algorithm, message, options.pkcs11_module,
                                      &row.reference_note);
  }
  Bytes signature = signer->sign(message);
  ReferenceLoop verify = openssl_verify_reference(signer->public_key_der(), message, signature);

  std::vector<MeteredOperation> group = {{sign, 1}, {issue, 1}, {verify.make_operation, 1}};
  if (reference) group.push_back({reference->make_operation, 1});
  std::vector<RateResult> rates = measure_interleaved(group, options.duration);
  row.sign_1 = rates[0];
  row.issue = rates[1];
  row.verify_per_second = rates[2].per_second;
  if (reference) {
    row.reference_name = reference->name;
    row.reference = rates[3];
  }

  progress.detail("sign, " + std::to_string(threads) + " threads");
  row.sign_n = measure_rate([&] { signer->sign(message); }, threads, options.duration);
  return row;
}

}  // namespace

BenchReport run_bench(const BenchOptions& requested) {
  BenchOptions options = requested;
  if (options.algorithms.empty())
    options.algorithms.assign(kAllAlgorithms.begin(), kAllAlgorithms.end());
  if (options.backends.empty()) {
    options.backends = {"openssl"};
    if (key_registry().supports("botan")) options.backends.push_back("botan");
    if (!options.pkcs11_uri.empty()) options.backends.push_back("pkcs11");
  }
  if (options.threads <= 0)
    options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  check_backends(options);

  BenchReport report = describe_environment(options);
  BenchScratch scratch;
  // libp11 0.4.12 cannot sign with Ed25519: that cell is left out rather than failing the run.
  auto measured = [](const std::string& backend, Algorithm algorithm) {
    return !(backend == "libp11" && algorithm == Algorithm::Ed25519);
  };
  int cells = 0;
  for (Algorithm algorithm : options.algorithms) {
    for (const auto& backend : options.backends) cells += measured(backend, algorithm) ? 1 : 0;
  }
  Progress progress(cells);
  TokenKeysMade made(options.pkcs11_module);
  for (Algorithm algorithm : options.algorithms) {
    for (const auto& backend : options.backends) {
      if (!measured(backend, algorithm)) continue;
      progress.step(backend + " " + std::string(algorithm_name(algorithm)));
      report.rows.push_back(
          measure_cell(backend, algorithm, options, options.threads, scratch, progress, made));
    }
  }
  return report;
}

}  // namespace kpki::bench
