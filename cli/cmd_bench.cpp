// `kpki bench`: compares the crypto backends on this machine. The measuring lives in cli/bench;
// this file only turns flags into BenchOptions and picks the output format.
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/bench/bench_runner.h"
#include "cli/bench/cluster_bench.h"
#include "cli/bench/cluster_report.h"
#include "cli/bench/plot.h"
#include "cli/bench/report.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/machine_output.h"
#include "core/util/error.h"

namespace kpki::cli {

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// "2", "2s", "1.5s", "500ms": benchmark durations are short and often fractional, unlike
// certificate lifetimes.
std::chrono::duration<double> parse_bench_duration(const std::string& text) {
  std::string number = text;
  double scale = 1.0;
  if (number.size() > 2 && number.ends_with("ms")) {
    number.resize(number.size() - 2);
    scale = 0.001;
  } else if (number.size() > 1 && number.ends_with("s")) {
    number.pop_back();
  }
  try {
    size_t used = 0;
    double value = std::stod(number, &used);
    if (used == number.size() && value > 0) return std::chrono::duration<double>(value * scale);
  } catch (const std::exception&) {
  }
  throw Error(ErrorCode::InvalidInput,
              "--duration '" + text + "' is not a positive time (e.g. 2s, 1.5, 500ms)");
}

struct BenchFlags {
  std::string duration = "1s";
  int threads = 0;
  std::string algorithms;
  std::string backends;
  std::string pkcs11_uri;
  std::string pkcs11_module;
  std::string output = "text";
  std::string plot;
  std::string cluster;         // "10,100,1000": the whole-tree benchmark instead
  std::string token_sessions;  // with --cluster and --pkcs11-uri: "1,2,8,16,32"
  int rounds = 3;
  bool no_cfssl = false;
  bool no_kubeadm_way = false;
};

void run_cluster(const BenchFlags& flags) {
  bench::ClusterBenchOptions options;
  options.workers.clear();
  for (const auto& item : split_list(flags.cluster)) {
    int n = 0;
    try {
      size_t used = 0;
      n = std::stoi(item, &used);
      if (used != item.size()) n = -1;
    } catch (const std::exception&) {
      n = -1;
    }
    if (n < 0 || n > 100000)
      throw Error(ErrorCode::InvalidInput,
                  "--cluster '" + item + "' is not a number of workers (0 to 100000)");
    options.workers.push_back(n);
  }
  std::vector<std::string> algorithms = split_list(flags.algorithms);
  if (algorithms.size() > 1)
    throw Error(ErrorCode::InvalidInput, "--cluster takes one algorithm in --algorithms");
  if (!algorithms.empty()) options.algorithm = parse_algorithm(algorithms.front());
  options.rounds = flags.rounds;
  options.cfssl = !flags.no_cfssl;
  options.kubeadm_way = !flags.no_kubeadm_way;
  options.ca_token = flags.pkcs11_uri;
  for (const auto& item : split_list(flags.token_sessions)) {
    int n = 0;
    try {
      size_t used = 0;
      n = std::stoi(item, &used);
      if (used != item.size()) n = 0;
    } catch (const std::exception&) {
    }
    if (n < 1 || n > 1024)
      throw Error(ErrorCode::InvalidInput,
                  "--token-sessions '" + item + "' is not a number of sessions (1 to 1024)");
    options.token_sessions.push_back(n);
  }
  if (!options.token_sessions.empty() && options.ca_token.empty())
    throw Error(ErrorCode::InvalidInput,
                "--token-sessions needs --pkcs11-uri (the CA keys' token)");
  bench::ClusterReport report = bench::run_cluster_bench(options);
  if (prints_document(flags.output)) {
    print_document(bench::cluster_report_json(report), flags.output);
  } else {
    std::cout << bench::render_cluster_table(report);
  }
  if (!flags.plot.empty()) {
    bench::plot_cluster_report(report, flags.plot);
    std::cerr << "wrote " << flags.plot << "\n";
  }
}

void run(const BenchFlags& flags) {
  if (!flags.cluster.empty()) return run_cluster(flags);
  bench::BenchOptions options;
  options.duration = parse_bench_duration(flags.duration);
  options.threads = flags.threads;
  for (const auto& name : split_list(flags.algorithms)) {
    options.algorithms.push_back(parse_algorithm(name));
  }
  options.backends = split_list(flags.backends);
  options.pkcs11_uri = flags.pkcs11_uri;
  options.pkcs11_module = flags.pkcs11_module;

  bench::BenchReport report = bench::run_bench(options);
  if (prints_document(flags.output)) {
    print_document(bench::report_json(report), flags.output);
  } else if (flags.output == "csv") {
    std::cout << bench::render_csv(report);
  } else {
    std::cout << bench::render_table(report);
  }
  if (!flags.plot.empty()) {
    bench::plot_report(report, flags.plot);
    std::cerr << "wrote " << flags.plot << "\n";
  }
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto flags = std::make_shared<BenchFlags>();
  auto* cmd = app.add_subcommand(
      "bench",
      "Compare the crypto backends on this machine: key generation, sign rate on 1 and N "
      "threads, full issuance rate and latency, against each library's own sign loop");
  cmd->footer(example("kpki bench --algorithms ecdsa-p256,ed25519 --backends openssl,botan "
                      "--duration 2s --plot bench.svg") +
              "  kpki bench --cluster 10,100,1000 --plot cluster.svg\n");
  cmd->add_option("--duration", flags->duration, "Time per measurement (2s, 1.5, 500ms)")
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads,
                  "Threads for the N-thread sign rate (default: CPUs)");
  cmd->add_option("--algorithms", flags->algorithms,
                  "Comma-separated algorithms (default: all six)");
  cmd->add_option(
      "--backends", flags->backends,
      "Comma-separated: openssl,botan,pkcs11,libp11 (default: openssl,botan, plus pkcs11 "
      "with --pkcs11-uri)");
  cmd->add_option("--pkcs11-uri", flags->pkcs11_uri,
                  "Token URI for the pkcs11 and libp11 rows; kpki adds ;object=kpki-bench-ALG "
                  "(with --cluster: the CA keys, ;object=kpki-bench-CA) and removes the keys it "
                  "made there when the run ends");
  cmd->add_option("--pkcs11-module", flags->pkcs11_module, "PKCS#11 module for --pkcs11-uri");
  add_output_format_flag(*cmd, flags->output, /*with_csv=*/true);
  cmd->add_option("--plot", flags->plot,
                  "Also draw a bar chart with gnuplot (FILE.svg or FILE.png); with --cluster, "
                  "the cost per certificate against N");
  cmd->add_option("--cluster", flags->cluster,
                  "Whole-tree benchmark instead: `kpki init` of 1 control-plane node + N workers "
                  "for each N (e.g. 10,100,1000), against the crypto cost, cfssl and, when go is "
                  "installed, the same tree made the kubeadm way (bench/kubeadm-way)");
  cmd->add_option("--rounds", flags->rounds, "With --cluster: init runs per size")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_flag("--no-cfssl", flags->no_cfssl, "With --cluster: do not measure cfssl");
  cmd->add_flag("--no-kubeadm-way", flags->no_kubeadm_way,
                "With --cluster: do not build and run bench/kubeadm-way (Go) beside kpki");
  cmd->add_option("--token-sessions", flags->token_sessions,
                  "With --cluster and --pkcs11-uri (the CA keys then on that token): each size "
                  "once per comma-separated number of sessions, e.g. 1,2,8,16,32");
  cmd->callback([flags] { run(*flags); });
}

}  // namespace kpki::cli
