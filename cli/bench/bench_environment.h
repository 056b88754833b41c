#pragma once
// Where and with what the figures were measured: date, CPU, library versions. Benchmarks without
// these are not comparable with anything.
#include "cli/bench/bench_model.h"

namespace kpki::bench {

BenchReport describe_environment(const BenchOptions& options);

}  // namespace kpki::bench
