#pragma once
// Independent work items spread over a few threads (the caller's among them), for the parts of a
// run that wait on something else: a token's signature, a CPU's key generation.
#include <cstddef>
#include <functional>

namespace kpki {

// Calls work(i) for every i in [0, count) on up to `threads` threads, the calling thread
// included. Between two items each thread checks for an interruption (Ctrl-C). After a failure no
// further item is started, and the failure of the lowest index is rethrown, so the error does not
// depend on scheduling. `threads` 0 counts as 1; when no more threads can be started, the ones
// that were (and the caller) do the work.
void run_concurrently(std::size_t count, std::size_t threads,
                      const std::function<void(std::size_t)>& work);

}  // namespace kpki
