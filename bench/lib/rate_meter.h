#pragma once
// Runs one operation in a tight loop on N threads for a fixed time and reports its rate and
// latency percentiles. Every kpki figure and every library reference goes through the same meter,
// so the meter's own cost (two clock reads per operation) cancels out of the ratios.
#include <chrono>
#include <functional>

namespace kpki::bench {

struct RateResult {
  long operations = 0;
  double seconds = 0;
  double per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
};

// `make_operation` is called once per thread, on that thread, so each thread can own state (a
// context, a buffer) without locks; the operation it returns is then called in a loop. One
// warm-up call per thread is not counted.
using OperationFactory = std::function<std::function<void()>()>;

RateResult measure_rate_per_thread(const OperationFactory& make_operation, int threads,
                                   std::chrono::duration<double> duration);

// Convenience for operations that are already safe to share between threads.
RateResult measure_rate(const std::function<void()>& operation, int threads,
                        std::chrono::duration<double> duration);

}  // namespace kpki::bench
