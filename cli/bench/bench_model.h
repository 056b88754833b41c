#pragma once
// What `kpki bench` is asked to do and what it found: one row per algorithm x backend.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cli/bench/rate_meter.h"
#include "core/x509/algorithm.h"

namespace kpki::bench {

struct BenchOptions {
  std::chrono::duration<double> duration{1.0};  // per measurement
  int threads = 0;                              // 0 = hardware concurrency
  std::vector<Algorithm> algorithms;            // empty = all
  std::vector<std::string> backends;            // "openssl", "botan", "pkcs11", "libp11"
  std::string pkcs11_uri;                       // token URI; kpki adds ";object=kpki-bench-ALG"
  std::string pkcs11_module;
};

struct BenchRow {
  Algorithm algorithm;
  std::string backend;
  std::optional<double> keygen_ms;  // none: an existing token key was reused
  RateResult sign_1;                // kpki Signer::sign, 1 thread
  RateResult sign_n;                // kpki Signer::sign, N threads
  int threads = 1;
  RateResult issue;                     // Authority::issue + PEM, 1 thread
  std::string reference_name;           // "" when no reference could be measured
  std::optional<RateResult> reference;  // the library's own sign loop, 1 thread
  std::string reference_note;           // why there is none
  double verify_per_second = 0;         // OpenSSL verify with this key (the issuance bound)

  // kpki's 1-thread sign rate over the library's own (target >= 0.95).
  std::optional<double> sign_ratio() const;
  // The issuance rate one signature plus one verification allow, from the measured references.
  std::optional<double> issue_bound() const;
  // Issuance rate over that bound (target >= 0.8 for the OpenSSL backend).
  std::optional<double> issue_ratio() const;
};

struct BenchReport {
  std::string date;      // ISO 8601, UTC
  std::string host;      // CPU model and count
  std::string versions;  // library versions
  BenchOptions options;
  std::vector<BenchRow> rows;
};

}  // namespace kpki::bench
