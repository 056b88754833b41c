#pragma once
// Runs the backend comparison: for each algorithm x backend, key generation, signing on 1 and N
// threads, full issuance, and the library's own reference loop, all in one process and one run.
#include "cli/bench/bench_model.h"

namespace kpki::bench {

// Throws kpki::Error for an unknown backend, or one not compiled in, before measuring anything.
BenchReport run_bench(const BenchOptions& options);

}  // namespace kpki::bench
