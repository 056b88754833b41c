#pragma once
// One-line progress on stderr ("[3/12] botan ecdsa-p256: sign, 2 threads"), rewritten in place,
// only when stderr is a terminal: piped or redirected runs stay clean.
#include <string>

namespace kpki::bench {

class Progress {
 public:
  explicit Progress(int total_steps);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress();  // clears the line

  void step(const std::string& what);    // advances the counter
  void detail(const std::string& what);  // same step, new sub-task

 private:
  void draw();
  bool enabled_;
  int total_;
  int current_ = 0;
  std::string step_;
  std::string detail_;
};

}  // namespace kpki::bench
