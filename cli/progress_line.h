#pragma once
// The progress of a long run (an RSA tree takes minutes) as one line on stderr, rewritten in
// place: "leaf keys 40/120, 11.2/s, 7s left". Only when stderr is a terminal, so piped or
// redirected output, and -o json, stay exactly as they were.
#include <chrono>
#include <string>

#include "core/kubernetes/tree/leaf_key_pool.h"

namespace kpki::cli {

class ProgressLine {
 public:
  explicit ProgressLine(std::string what);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine();  // clears the line

  // For core's options; nothing when stderr is not a terminal. Must not outlive this object.
  kube::ProgressCallback callback();

 private:
  void update(size_t done, size_t total);
  std::string what_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace kpki::cli
