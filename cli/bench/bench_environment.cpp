#include "cli/bench/bench_environment.h"

#include "core/util/time_format.h"

#include <openssl/crypto.h>

#include <ctime>
#include <fstream>
#include <thread>

#ifdef KPKI_WITH_BOTAN
#include <botan/version.h>
#endif

namespace kpki::bench {

namespace {

std::string utc_now() { return format_utc(now_seconds(), kIsoUtc); }

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

}  // namespace

BenchReport describe_environment(const BenchOptions& options) {
  BenchReport report;
  report.date = utc_now();
  report.host = cpu_model() + ", " + std::to_string(std::thread::hardware_concurrency()) + " CPUs";
  report.versions = OpenSSL_version(OPENSSL_VERSION);
#ifdef KPKI_WITH_BOTAN
  report.versions += ", Botan " + Botan::short_version_string();
#endif
  report.options = options;
  return report;
}

}  // namespace kpki::bench
