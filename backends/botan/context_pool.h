#pragma once
// A small pool of per-caller objects for libraries whose objects are not thread-safe (Botan's RNG
// and PK_Signer). Each caller leases one object for the duration of a call; the mutex only guards
// the free list, so concurrent signatures run in parallel instead of queueing behind one lock.
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace kpki {

template <class T>
class ContextPool {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;

  explicit ContextPool(Factory factory) : factory_(std::move(factory)) {}
  ContextPool(const ContextPool&) = delete;
  ContextPool& operator=(const ContextPool&) = delete;

  // Returns the object to the pool when it goes out of scope. An object whose use threw is still
  // returned: Botan's signer resets its state at the start of every signature.
  class Lease {
   public:
    Lease(ContextPool& pool, std::unique_ptr<T> object) : pool_(pool), object_(std::move(object)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.release(std::move(object_)); }
    T& operator*() const { return *object_; }
    T* operator->() const { return object_.get(); }

   private:
    ContextPool& pool_;
    std::unique_ptr<T> object_;
  };

  // Takes a free object, or makes a new one when every object is in use; the pool grows to the
  // peak number of concurrent callers and no further.
  Lease acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        auto object = std::move(free_.back());
        free_.pop_back();
        return Lease(*this, std::move(object));
      }
    }
    return Lease(*this, factory_());  // built outside the lock: seeding an RNG takes a syscall
  }

 private:
  void release(std::unique_ptr<T> object) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(object));
  }

  Factory factory_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<T>> free_;
};

}  // namespace kpki
