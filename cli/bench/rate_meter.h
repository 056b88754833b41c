#pragma once
// Runs operations in a tight loop on N threads and reports their rate and latency percentiles.
// Every kpki figure and every library reference goes through the same meter, so the meter's own
// cost (two clock reads per operation) cancels out of the ratios. Operations that are compared
// with each other are measured interleaved (A B C A B C ...) in short slices, and each rate is the
// median over the slices: on a shared machine, load from other processes then hits all of them
// alike instead of whichever happened to run during a burst.
#include <chrono>
#include <functional>
#include <vector>

namespace kpki::bench {

struct RateResult {
  long operations = 0;
  double seconds = 0;
  // One thread: 1 / median latency, the rate the operation sustains when nothing else runs; a
  // mean would count the times the scheduler gave the CPU to another process. Several threads:
  // throughput, operations / wall time, the median over the slices.
  double per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
};

// `make_operation` is called once per thread and slice, on that thread, so each thread can own
// state (a context, a buffer) without locks; the operation it returns is then called in a loop.
// One warm-up call per thread and slice is not counted.
using OperationFactory = std::function<std::function<void()>()>;

struct MeteredOperation {
  OperationFactory make_operation;
  int threads = 1;
};

// Runs `operations` interleaved for `slices` rounds, each operation for `duration / slices` per
// round; results in the same order.
std::vector<RateResult> measure_interleaved(const std::vector<MeteredOperation>& operations,
                                            std::chrono::duration<double> duration, int slices = 5);

// One operation that is safe to share between threads.
RateResult measure_rate(const std::function<void()>& operation, int threads,
                        std::chrono::duration<double> duration);

// Wraps a shareable operation as a factory.
OperationFactory shared_operation(std::function<void()> operation);

}  // namespace kpki::bench
