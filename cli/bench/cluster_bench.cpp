// Over 300 lines: one run of the cluster bench, kpki's rounds interleaved with the Go program's
// and cfssl's, each peer's build and measurement beside the loop that alternates them.
#include "cli/bench/cluster_bench.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "backends/backends.h"
#include "cli/bench/bench_environment.h"
#include "cli/bench/bench_subjects.h"
#include "cli/bench/reference_loops.h"
#include "core/fs/file_io.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/util/error.h"

namespace kpki::bench {

namespace {

struct ChildRun {
  double wall_seconds = 0;
  double cpu_seconds = 0;
  long max_rss_kb = 0;
};

// Runs `argv` with stdout to `out_path` (stderr to /dev/null) and measures it with wait4: the
// resource usage is the child's alone.
ChildRun run_child(const std::vector<std::string>& argv, const std::string& out_path) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) throw Error(ErrorCode::DeviceError, "cannot start '" + argv[0] + "'");
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (out < 0 || null < 0 || ::dup2(out, 1) < 0 || ::dup2(null, 2) < 0) ::_exit(126);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  if (::wait4(pid, &status, 0, &usage) != pid)
    throw Error(ErrorCode::DeviceError, "lost track of '" + argv[0] + "'");
  std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Error(ErrorCode::DeviceError, "'" + argv[0] + " " + (argv.size() > 1 ? argv[1] : "") +
                                            "' failed during the cluster benchmark");
  }
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return {wall.count(), seconds(usage.ru_utime) + seconds(usage.ru_stime), usage.ru_maxrss};
}

// 1 control-plane node + `workers` workers, kpki's own config format, file CAs.
// The bench's CA key on `token` (ClusterBenchOptions::ca_token): the object label goes before any
// query part (?pin-source=...).
std::string token_key_uri(std::string token, const std::string& ca) {
  std::string object = ";object=kpki-bench-" + ca;
  auto query = token.find('?');
  return query == std::string::npos ? token + object : token.insert(query, object);
}

std::string cluster_yaml(int workers, Algorithm algorithm, const std::string& ca_token) {
  std::string yaml = "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nclusterName: kubernetes\n";
  yaml += "encryptionAlgorithm: " + std::string(algorithm_name(algorithm)) + "\nnodes:\n";
  yaml += "  - {name: cp1, address: 10.0.0.1, role: control-plane}\n";
  for (int i = 0; i < workers; ++i) {
    yaml += "  - {name: w" + std::to_string(i) + ", address: 10." + std::to_string(1 + i / 62500) +
            "." + std::to_string(i / 250 % 250) + "." + std::to_string(1 + i % 250) +
            ", role: worker}\n";
  }
  if (!ca_token.empty()) {
    yaml += "caKeys:\n";
    for (const char* ca : {"ca", "etcd-ca", "front-proxy-ca"})
      yaml += "  " + std::string(ca) + ": \"" + token_key_uri(ca_token, ca) + "\"\n";
  }
  return yaml;
}

long certificates_in(const std::string& config_path) {
  kube::ClusterConfig config = kube::load_cluster_config(config_path, key_registry());
  long count = 3;  // the three CAs
  for (const auto& node : config.nodes) {
    count += static_cast<long>(kube::leaf_specs(config, node).size());
  }
  return count;
}

CryptoCost measure_crypto(Algorithm algorithm, const BenchScratch& scratch) {
  // The CA key is made by kpki's file backend; what is timed are the raw OpenSSL references.
  std::string key_path = scratch.file("crypto-ca.key");
  KeyOptions overwrite;
  overwrite.force = true;
  std::shared_ptr<const Signer> signer =
      key_registry().manager_for(key_path).generate(key_path, algorithm, overwrite);
  IssuanceFixture fixture = make_issuance_fixture(signer);
  Bytes signature = signer->sign(fixture.tbs);
  ReferenceLoop keygen = openssl_keygen_reference(algorithm);
  ReferenceLoop sign = openssl_sign_reference(key_path, fixture.tbs);
  ReferenceLoop verify = openssl_verify_reference(signer->public_key_der(), fixture.tbs, signature);
  std::vector<RateResult> rates = measure_interleaved(
      {{keygen.make_operation, 1}, {sign.make_operation, 1}, {verify.make_operation, 1}},
      std::chrono::milliseconds(algorithm == Algorithm::EcdsaP256 ? 1500 : 4000));
  return {1e6 / rates[0].per_second, 1e6 / rates[1].per_second, 1e6 / rates[2].per_second};
}

std::string cfssl_key_json(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::EcdsaP256:
      return R"({"algo":"ecdsa","size":256})";
    case Algorithm::EcdsaP384:
      return R"({"algo":"ecdsa","size":384})";
    case Algorithm::Rsa2048:
    case Algorithm::Rsa3072:
    case Algorithm::Rsa4096:
      return R"({"algo":"rsa","size":)" + std::to_string(rsa_bits(algorithm)) + "}";
    default:
      return "";
  }
}

std::string first_line_of(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  char buf[256] = {};
  if (!pipe || !std::fgets(buf, sizeof buf, pipe.get())) return "";
  std::string line = buf;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// cfssl's way of making the same thing: a CA (gencert -initca), then one `cfssl gencert` per
// leaf certificate (a new key, a kubelet-like CSR, signed by the CA), its JSON written to a file.
std::optional<CfsslCost> measure_cfssl(const ClusterBenchOptions& options,
                                       const BenchScratch& scratch, std::string& note) {
  std::string key = cfssl_key_json(options.algorithm);
  if (key.empty()) {
    note = "cfssl cannot make " + std::string(algorithm_name(options.algorithm)) + " keys";
    return std::nullopt;
  }
  if (std::system("command -v cfssl >/dev/null 2>&1") != 0) {
    note = "cfssl is not installed (Debian package golang-cfssl)";
    return std::nullopt;
  }
  auto file = [&](const std::string& name) { return scratch.file("cfssl-" + name); };
  write_file_atomic(file("ca-csr.json"), R"({"CN":"kubernetes","key":)" + key + "}", 0600,
                    Overwrite::Yes);
  write_file_atomic(file("config.json"),
                    R"({"signing":{"default":{"expiry":"8760h","usages":["digital signature",)"
                    R"("key encipherment","server auth","client auth"]}}})",
                    0600, Overwrite::Yes);
  write_file_atomic(file("csr.json"),
                    R"({"CN":"system:node:w1","names":[{"O":"system:nodes"}],)"
                    R"("hosts":["w1","10.1.0.2"],"key":)" +
                        key + "}",
                    0600, Overwrite::Yes);
  run_child({"cfssl", "gencert", "-initca", file("ca-csr.json")}, file("ca.json"));
  auto ca = nlohmann::json::parse(read_text_file(file("ca.json")));
  write_file_atomic(file("ca.pem"), ca.at("cert").get<std::string>(), 0600, Overwrite::Yes);
  write_file_atomic(file("ca-key.pem"), ca.at("key").get<std::string>(), 0600, Overwrite::Yes);
  CfsslCost cost;
  cost.certificates = std::max(1, options.cfssl_certificates);
  cost.version = first_line_of("cfssl version 2>/dev/null");
  double total = 0;
  for (int i = 0; i < cost.certificates; ++i) {
    total += run_child({"cfssl", "gencert", "-ca", file("ca.pem"), "-ca-key", file("ca-key.pem"),
                        "-config", file("config.json"), file("csr.json")},
                       file("leaf-" + std::to_string(i) + ".json"))
                 .wall_seconds;
  }
  cost.ms_per_certificate = 1000 * total / cost.certificates;
  return cost;
}

// Quoted for sh -c.
std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Builds bench/kubeadm-way into the scratch directory; its path, or "" with `note` saying why not.
std::string build_kubeadm_way(const BenchScratch& scratch, std::string& note) {
  const char* env = std::getenv("KPKI_KUBEADM_WAY");
  std::string source = env && *env ? env : KPKI_KUBEADM_WAY_SOURCE;
  if (std::system("command -v go >/dev/null 2>&1") != 0) {
    note = "go is not installed (Debian package golang-go)";
    return "";
  }
  if (!file_exists(source + "/main.go")) {
    note = "no kubeadm-way source at " + source + " (set KPKI_KUBEADM_WAY)";
    return "";
  }
  std::string binary = scratch.file("kubeadm-way");
  std::string log = scratch.file("kubeadm-way-build.log");
  // Standard library only: no module download, whatever the environment says.
  std::string command = "cd " + shell_quoted(source) +
                        " && GOFLAGS=-mod=mod GOPROXY=off go build -o " + shell_quoted(binary) +
                        " . >" + shell_quoted(log) + " 2>&1";
  if (std::system(command.c_str()) != 0) {
    std::string first = first_line_of("head -1 " + shell_quoted(log));
    note = "go build of " + source + " failed" + (first.empty() ? "" : ": " + first);
    return "";
  }
  note = first_line_of("go version 2>/dev/null");
  return binary;
}

struct RoundSummary {
  double best_seconds = 0, median_seconds = 0, cpu_seconds = 0;
  long peak_rss_kb = 0;
};

// The fastest round (its wall and CPU time), the median wall time and the largest RSS.
RoundSummary summarise(std::vector<ChildRun> runs) {
  std::sort(runs.begin(), runs.end(),
            [](const ChildRun& a, const ChildRun& b) { return a.wall_seconds < b.wall_seconds; });
  RoundSummary out;
  out.best_seconds = runs.front().wall_seconds;
  out.cpu_seconds = runs.front().cpu_seconds;
  size_t n = runs.size();
  out.median_seconds = n % 2 ? runs[n / 2].wall_seconds
                             : (runs[n / 2 - 1].wall_seconds + runs[n / 2].wall_seconds) / 2;
  for (const auto& run : runs) out.peak_rss_kb = std::max(out.peak_rss_kb, run.max_rss_kb);
  return out;
}

ClusterPoint measure_size(int workers, int token_sessions, const ClusterBenchOptions& options,
                          const BenchScratch& scratch, const std::string& kubeadm_way) {
  std::string name = "w" + std::to_string(workers) + "-s" + std::to_string(token_sessions);
  std::string config = scratch.file(name + ".yaml");
  write_file_atomic(config, cluster_yaml(workers, options.algorithm, options.ca_token), 0600,
                    Overwrite::Yes);
  ClusterPoint point;
  point.workers = workers;
  point.token_sessions = token_sessions;
  point.certificates = certificates_in(config);
  std::vector<ChildRun> runs, peer_runs;
  for (int r = 0; r < std::max(1, options.rounds); ++r) {
    // Trees are removed with the scratch directory at the end, not between rounds: on ext4
    // without a journal, inodes freed a moment ago make the next allocations scan past them.
    std::string round = std::to_string(r);
    std::vector<std::string> argv = {"/proc/self/exe", "init",  "--config",
                                     config,           "--dir", scratch.file(name + "-" + round)};
    if (token_sessions > 0) {
      argv.push_back("--token-sessions");
      argv.push_back(std::to_string(token_sessions));
    }
    runs.push_back(run_child(argv, scratch.file(name + ".log")));
    // The Go program right after, on the same machine state: rounds interleaved, not in blocks.
    if (!kubeadm_way.empty()) {
      peer_runs.push_back(run_child({kubeadm_way, "-workers", std::to_string(workers), "-algorithm",
                                     std::string(algorithm_name(options.algorithm)), "-dir",
                                     scratch.file(name + "-go-" + round)},
                                    scratch.file(name + "-go.log")));
    }
  }
  RoundSummary kpki = summarise(runs);
  point.best_seconds = kpki.best_seconds;
  point.median_seconds = kpki.median_seconds;
  point.cpu_seconds = kpki.cpu_seconds;
  point.peak_rss_kb = kpki.peak_rss_kb;
  if (!peer_runs.empty()) {
    RoundSummary go = summarise(peer_runs);
    point.kubeadm_way =
        ClusterPoint::Peer{go.best_seconds, go.median_seconds, go.cpu_seconds, go.peak_rss_kb};
  }
  return point;
}

}  // namespace

ClusterReport run_cluster_bench(const ClusterBenchOptions& options) {
  BenchReport environment = describe_environment(BenchOptions{});
  ClusterReport report;
  report.date = environment.date;
  report.host = environment.host;
  report.versions = environment.versions;
  report.options = options;
  report.threads =
      static_cast<int>(std::clamp<unsigned>(std::thread::hardware_concurrency(), 1, 8));
  BenchScratch scratch;
  report.crypto = measure_crypto(options.algorithm, scratch);
  std::string kubeadm_way;
  if (!options.kubeadm_way)
    report.kubeadm_way_note = "not measured (--no-kubeadm-way)";
  else if (options.algorithm != Algorithm::EcdsaP256 && options.algorithm != Algorithm::Rsa2048)
    report.kubeadm_way_note = "it makes ecdsa-p256 and rsa-2048 trees only";
  else
    kubeadm_way = build_kubeadm_way(scratch, report.kubeadm_way_note);
  std::vector<int> sessions = options.token_sessions;
  if (sessions.empty()) sessions.push_back(0);
  for (int workers : options.workers) {
    for (int n : sessions) {
      // The Go tree (file CAs) once per size, beside the first session count.
      report.points.push_back(measure_size(workers, n, options, scratch,
                                           n == sessions.front() ? kubeadm_way : std::string()));
    }
  }
  if (options.cfssl) report.cfssl = measure_cfssl(options, scratch, report.cfssl_note);
  return report;
}

}  // namespace kpki::bench
