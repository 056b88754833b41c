#include "bench/lib/rate_meter.h"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace kpki::bench {

namespace {

using SteadyClock = std::chrono::steady_clock;

double percentile(std::vector<double>& samples, double fraction) {
  if (samples.empty()) return 0;
  size_t index = static_cast<size_t>(fraction * static_cast<double>(samples.size() - 1));
  std::nth_element(samples.begin(), samples.begin() + static_cast<long>(index), samples.end());
  return samples[index];
}

}  // namespace

RateResult measure_rate_per_thread(const OperationFactory& make_operation, int threads,
                                   std::chrono::duration<double> duration) {
  threads = std::max(threads, 1);
  std::vector<std::vector<double>> latencies(static_cast<size_t>(threads));
  // A failing operation stops the run; the first failure is rethrown on the calling thread.
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
        mine.reserve(1 << 16);
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
  // Wall time until the last thread finished its last operation, not the nominal duration.
  double elapsed = std::chrono::duration<double>(SteadyClock::now() - begin).count();

  RateResult result;
  std::vector<double> all;
  for (auto& mine : latencies) all.insert(all.end(), mine.begin(), mine.end());
  result.operations = static_cast<long>(all.size());
  result.seconds = elapsed;
  result.per_second = elapsed > 0 ? static_cast<double>(result.operations) / elapsed : 0;
  result.p50_us = percentile(all, 0.50);
  result.p99_us = percentile(all, 0.99);
  return result;
}

RateResult measure_rate(const std::function<void()>& operation, int threads,
                        std::chrono::duration<double> duration) {
  return measure_rate_per_thread([&operation] { return operation; }, threads, duration);
}

}  // namespace kpki::bench
