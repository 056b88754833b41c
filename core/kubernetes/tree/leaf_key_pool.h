#pragma once
// Leaf keys made ahead of signing, on every core: key generation (RSA above all) is most of an
// init or renew, and every key is independent, while signing and writing stay in plan order.
#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/keys/key_manager.h"
#include "core/keys/leaf_key_source.h"

namespace kpki {
class KeyRegistry;
}

namespace kpki::kube {

struct ClusterConfig;

// Called with (done, total) as work finishes; calls never overlap. Core reports, the CLI draws.
using ProgressCallback = std::function<void(size_t done, size_t total)>;

struct LeafKeyPoolOptions {
  size_t threads = 0;  // 0: one per CPU this process may run on
  ProgressCallback progress;
};

// One key per entry of `algorithms`, result i of algorithms[i], whatever thread made it. On a
// failure no further key is started and the failure of the lowest index is rethrown, so the error
// does not depend on scheduling.
std::vector<LeafKey> generate_leaf_keys(const LeafKeySource& source,
                                        const std::vector<Algorithm>& algorithms,
                                        const LeafKeyPoolOptions& options = {});

// A run's new leaf keys, begun before its groups need them: on one thread while the run does what
// only one core can (its CA keys and certificates, its ledger's creation, the fsyncs between
// them: a 1,000-node init left a core idle for 40 ms there, docs/backends.md).
class LeafKeysAhead {
 public:
  // `source` must outlive this.
  LeafKeysAhead(const LeafKeySource& source, Algorithm algorithm)
      : source_(source), algorithm_(algorithm) {}
  LeafKeysAhead(const LeafKeysAhead&) = delete;
  LeafKeysAhead& operator=(const LeafKeysAhead&) = delete;
  ~LeafKeysAhead() { stop(); }  // keys not taken are dropped (and wiped) with it
  // Starts making up to `count` keys on a thread of its own.
  void start(size_t count);
  // `count` keys: those made ahead first (none is begun ahead from the first call on), then the
  // rest as generate_leaf_keys makes them, reporting progress over these `count`.
  std::vector<LeafKey> make(size_t count, const LeafKeyPoolOptions& options);

 private:
  void stop();
  const LeafKeySource& source_;
  const Algorithm algorithm_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::vector<LeafKey> made_;  // by thread_ until it is joined, then taken from the back
};

// The CPUs this process may run on (its affinity mask; `taskset -c 0` makes it 1), at least 1.
size_t usable_cpus();

// The certificates a tree of `config` signs at once. With a CA key on a token (its scheme says
// so, KeyScheme::is_token): enough to keep `ca_keys.token_sessions` signatures in flight there (a
// network HSM answers in milliseconds, and serves many sessions), and at least one per CPU (up to
// 8). With every CA key in software: one per CPU, as more threads would only contend for them.
size_t signing_threads(const ClusterConfig& config, const KeyRegistry& registry,
                       const KeyOptions& ca_keys);

}  // namespace kpki::kube
