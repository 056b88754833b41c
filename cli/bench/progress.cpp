#include "cli/bench/progress.h"

#include <unistd.h>

#include <cstdio>

namespace kpki::bench {

Progress::Progress(int total_steps) : enabled_(isatty(STDERR_FILENO) == 1), total_(total_steps) {}

Progress::~Progress() {
  if (enabled_) std::fputs("\r\033[K", stderr);
}

void Progress::step(const std::string& what) {
  ++current_;
  step_ = what;
  detail_.clear();
  draw();
}

void Progress::detail(const std::string& what) {
  detail_ = what;
  draw();
}

void Progress::draw() {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K[%d/%d] %s%s%s", current_, total_, step_.c_str(),
               detail_.empty() ? "" : ": ", detail_.c_str());
  std::fflush(stderr);
}

}  // namespace kpki::bench
