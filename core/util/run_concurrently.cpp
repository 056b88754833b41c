#include "core/util/run_concurrently.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "core/util/interruption.h"

namespace kpki {

void run_concurrently(std::size_t count, std::size_t threads,
                      const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards the failure
  std::size_t failed_index = count;
  std::exception_ptr failure;
  auto worker = [&] {
    for (std::size_t i; !failed && (i = next++) < count;) {
      try {
        throw_if_interrupted();
        work(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        failed = true;
        if (i < failed_index) {
          failed_index = i;
          failure = std::current_exception();
        }
        return;
      }
    }
  };
  std::size_t wanted = std::min(std::max<std::size_t>(threads, 1), count);
  std::vector<std::thread> pool;
  try {
    for (std::size_t t = 1; t < wanted; ++t) pool.emplace_back(worker);
  } catch (const std::system_error&) {
    // No more threads to be had: the ones started, and this one, do the work.
  }
  worker();
  for (std::thread& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace kpki
