#include "core/kubernetes/tree/leaf_key_pool.h"

#include <sched.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "core/keys/key_registry.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/util/run_concurrently.h"

namespace kpki::kube {

size_t usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

size_t signing_threads(const ClusterConfig& config, const KeyRegistry& registry,
                       const KeyOptions& ca_keys) {
  // A CA key absent from caKeys is the default file under OUT/pki: software.
  bool on_token = std::any_of(config.ca_keys.begin(), config.ca_keys.end(), [&](const auto& key) {
    return registry.scheme_for(key.second).is_token();
  });
  if (!on_token) return usable_cpus();
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

namespace kpki::kube {

void LeafKeysAhead::start(size_t count) {
  if (thread_.joinable() || count == 0) return;
  made_.reserve(count);
  thread_ = std::thread([this, count] {
    try {
      while (!stopping_ && made_.size() < count) made_.push_back(source_.generate(algorithm_));
    } catch (...) {
      // Made no further: the groups make their own keys, and meet the failure there.
    }
  });
}

void LeafKeysAhead::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<LeafKey> LeafKeysAhead::make(size_t count, const LeafKeyPoolOptions& options) {
  stop();
  std::vector<LeafKey> keys;
  keys.reserve(count);
  while (keys.size() < count && !made_.empty()) {
    keys.push_back(std::move(made_.back()));
    made_.pop_back();
  }
  const size_t ahead = keys.size();
  if (ahead && options.progress) options.progress(ahead, count);
  if (ahead == count) return keys;
  LeafKeyPoolOptions rest = options;
  if (options.progress)
    rest.progress = [&](size_t done, size_t) { options.progress(ahead + done, count); };
  for (LeafKey& key :
       generate_leaf_keys(source_, std::vector<Algorithm>(count - ahead, algorithm_), rest))
    keys.push_back(std::move(key));
  return keys;
}

}  // namespace kpki::kube
