#pragma once
// `kpki bench --cluster N,...`: what a whole Kubernetes tree costs per certificate, next to what
// its cryptography costs. Each size is a real `kpki init` (1 control-plane node + N workers, file
// CAs) run as a child process into a scratch directory, so its wall time, CPU time and peak RSS
// are the command's own; the crypto cost per certificate (key generation + one signature + one
// verification, the libraries' own loops) and cfssl's cost per certificate are measured in the
// same run on the same machine.
#include <optional>
#include <string>
#include <vector>

#include "core/x509/algorithm.h"

namespace kpki::bench {

struct ClusterBenchOptions {
  std::vector<int> workers = {10, 100, 1000};
  Algorithm algorithm = Algorithm::EcdsaP256;
  int rounds = 3;               // init runs per size; the report keeps the fastest and the median
  bool cfssl = true;            // measure `cfssl gencert` when it is installed
  bool kubeadm_way = true;      // run bench/kubeadm-way (Go) beside kpki when `go` is installed
  int cfssl_certificates = 40;  // certificates cfssl issues for its figure
  // The three CA keys on this token instead of in files: a pkcs11: URI selecting the token (with
  // its pin-source and module-path); kpki adds ;object=kpki-bench-<ca>. Each size is measured
  // once per entry of `token_sessions` (init --token-sessions N; none: kpki's default).
  std::string ca_token;
  std::vector<int> token_sessions;
};

struct ClusterPoint {
  int workers = 0;
  int token_sessions = 0;     // --token-sessions of the runs (0: the default, or file CAs)
  long certificates = 0;      // certificates in the tree (leaves + CAs)
  double best_seconds = 0;    // wall time of the fastest round
  double median_seconds = 0;  // wall time, median of the rounds
  double cpu_seconds = 0;     // user + system time of the fastest round
  long peak_rss_kb = 0;       // largest ru_maxrss of the rounds
  // The kubeadm way (bench/kubeadm-way: Go's standard library, one process) making the same
  // tree, its rounds interleaved with kpki's: the same four figures.
  struct Peer {
    double best_seconds = 0, median_seconds = 0, cpu_seconds = 0;
    long peak_rss_kb = 0;
  };
  std::optional<Peer> kubeadm_way;
  double best_ms_per_certificate() const { return 1000 * best_seconds / certificates; }
  double median_ms_per_certificate() const { return 1000 * median_seconds / certificates; }
  double cpu_ms_per_certificate() const { return 1000 * cpu_seconds / certificates; }
};

struct CryptoCost {
  double keygen_us = 0;  // one leaf key
  double sign_us = 0;    // one signature with the CA key
  double verify_us = 0;  // one verification with the CA's public key
  double total_ms() const { return (keygen_us + sign_us + verify_us) / 1000; }
};

struct CfsslCost {
  int certificates = 0;
  double ms_per_certificate = 0;  // one `cfssl gencert` process per certificate, as it is used
  std::string version;
};

struct ClusterReport {
  std::string date, host, versions;
  ClusterBenchOptions options;
  int threads = 1;  // cores kpki init may use
  CryptoCost crypto;
  std::vector<ClusterPoint> points;
  std::optional<CfsslCost> cfssl;
  std::string cfssl_note;        // why there is no cfssl figure
  std::string kubeadm_way_note;  // why there is no kubeadm-way figure, or the Go version
};

ClusterReport run_cluster_bench(const ClusterBenchOptions& options);

}  // namespace kpki::bench
