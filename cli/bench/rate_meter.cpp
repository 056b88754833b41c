#include "cli/bench/rate_meter.h"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <exception>
#include <mutex>
#include <thread>

namespace kpki::bench {

namespace {

using SteadyClock = std::chrono::steady_clock;

struct Slice {
  std::vector<double> latencies_us;
  double seconds = 0;
};

double percentile(std::vector<double>& samples, double fraction) {
  if (samples.empty()) return 0;
  size_t index = static_cast<size_t>(fraction * static_cast<double>(samples.size() - 1));
  std::nth_element(samples.begin(), samples.begin() + static_cast<long>(index), samples.end());
  return samples[index];
}

// One operation on `threads` threads for `duration`; the first failure is rethrown here.
Slice run_slice(const OperationFactory& make_operation, int threads,
                std::chrono::duration<double> duration) {
  threads = std::max(threads, 1);
  std::vector<std::vector<double>> latencies(static_cast<size_t>(threads));
  std::mutex failure_mutex;
  std::exception_ptr failure;
  std::atomic<bool> stop{false};
  // All threads start timing together, after each has built its state and warmed up.
  std::barrier start(threads + 1);
  SteadyClock::time_point deadline;
  std::vector<std::jthread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      bool arrived = false;
      try {
        std::function<void()> operation = make_operation();
        operation();
        auto& mine = latencies[static_cast<size_t>(t)];
        mine.reserve(1 << 14);
        arrived = true;
        start.arrive_and_wait();
        for (auto now = SteadyClock::now();
             now < deadline && !stop.load(std::memory_order_relaxed);) {
          operation();
          auto done = SteadyClock::now();
          mine.push_back(std::chrono::duration<double, std::micro>(done - now).count());
          now = done;
        }
      } catch (...) {
        stop = true;
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        if (!arrived) start.arrive_and_drop();  // never leave the others waiting at the start
      }
    });
  }
  auto begin = SteadyClock::now();
  deadline = begin + std::chrono::duration_cast<SteadyClock::duration>(duration);
  start.arrive_and_wait();
  workers.clear();  // joins
  if (failure) std::rethrow_exception(failure);
  Slice slice;
  // Wall time until the last thread finished its last operation, not the nominal duration.
  slice.seconds = std::chrono::duration<double>(SteadyClock::now() - begin).count();
  for (auto& mine : latencies) {
    slice.latencies_us.insert(slice.latencies_us.end(), mine.begin(), mine.end());
  }
  return slice;
}

RateResult summarize(std::vector<Slice>& slices, int threads) {
  RateResult result;
  std::vector<double> rates;
  std::vector<double> all;
  for (auto& slice : slices) {
    result.operations += static_cast<long>(slice.latencies_us.size());
    result.seconds += slice.seconds;
    if (slice.seconds > 0)
      rates.push_back(static_cast<double>(slice.latencies_us.size()) / slice.seconds);
    all.insert(all.end(), slice.latencies_us.begin(), slice.latencies_us.end());
  }
  result.p50_us = percentile(all, 0.50);
  result.p99_us = percentile(all, 0.99);
  result.per_second =
      threads > 1 ? percentile(rates, 0.5) : (result.p50_us > 0 ? 1e6 / result.p50_us : 0);
  return result;
}

}  // namespace

std::vector<RateResult> measure_interleaved(const std::vector<MeteredOperation>& operations,
                                            std::chrono::duration<double> duration, int slices) {
  slices = std::max(slices, 1);
  std::vector<std::vector<Slice>> per_operation(operations.size());
  for (int round = 0; round < slices; ++round) {
    for (size_t i = 0; i < operations.size(); ++i) {
      per_operation[i].push_back(
          run_slice(operations[i].make_operation, operations[i].threads, duration / slices));
    }
  }
  std::vector<RateResult> results;
  for (size_t i = 0; i < operations.size(); ++i) {
    results.push_back(summarize(per_operation[i], operations[i].threads));
  }
  return results;
}

RateResult measure_rate(const std::function<void()>& operation, int threads,
                        std::chrono::duration<double> duration) {
  return measure_interleaved({{shared_operation(operation), threads}}, duration).front();
}

OperationFactory shared_operation(std::function<void()> operation) {
  return [operation = std::move(operation)] { return operation; };
}

}  // namespace kpki::bench
