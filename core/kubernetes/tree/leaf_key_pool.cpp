#include "core/kubernetes/tree/leaf_key_pool.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

#include "core/util/interruption.h"

namespace kpki::kube {

size_t usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

std::vector<LeafKey> generate_leaf_keys(const LeafKeySource& source,
                                        const std::vector<Algorithm>& algorithms,
                                        const LeafKeyPoolOptions& options) {
  const size_t total = algorithms.size();
  std::vector<LeafKey> keys(total);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards done, failure and the progress callback
  size_t done = 0;
  size_t failed_index = total;
  std::exception_ptr failure;
  auto worker = [&] {
    for (size_t i; !failed && (i = next++) < total;) {
      try {
        throw_if_interrupted();  // thousands of RSA keys take minutes: Ctrl-C stops between two
        keys[i] = source.generate(algorithms[i]);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        failed = true;
        if (i < failed_index) {
          failed_index = i;
          failure = std::current_exception();
        }
        return;
      }
      std::lock_guard<std::mutex> lock(mutex);
      ++done;
      if (options.progress && !failed) options.progress(done, total);
    }
  };
  size_t threads = std::min(options.threads ? options.threads : usable_cpus(), total);
  std::vector<std::thread> pool;
  try {
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  } catch (const std::system_error&) {
    // No more threads to be had: the ones started, and this one, do the work.
  }
  worker();  // the calling thread is one of them
  for (std::thread& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
  return keys;
}

}  // namespace kpki::kube
