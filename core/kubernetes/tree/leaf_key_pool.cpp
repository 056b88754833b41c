#include "core/kubernetes/tree/leaf_key_pool.h"

#include <sched.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "core/util/run_concurrently.h"

namespace kpki::kube {

size_t usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

size_t signing_threads(const KeyOptions& ca_keys) {
  size_t sessions = ca_keys.token_sessions ? ca_keys.token_sessions : kDefaultTokenSessions;
  return std::max(std::clamp<size_t>(usable_cpus(), 1, 8), sessions);
}

std::vector<LeafKey> generate_leaf_keys(const LeafKeySource& source,
                                        const std::vector<Algorithm>& algorithms,
                                        const LeafKeyPoolOptions& options) {
  const size_t total = algorithms.size();
  std::vector<LeafKey> keys(total);
  std::mutex mutex;  // guards done and the progress callback
  size_t done = 0;
  run_concurrently(total, options.threads ? options.threads : usable_cpus(), [&](size_t i) {
    keys[i] = source.generate(algorithms[i]);  // thousands of RSA keys take minutes
    std::lock_guard<std::mutex> lock(mutex);
    ++done;
    if (options.progress) options.progress(done, total);
  });
  return keys;
}

}  // namespace kpki::kube
