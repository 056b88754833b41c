#include "cli/progress_line.h"

#include <unistd.h>

#include <cstdio>

#include "core/util/duration.h"

namespace kpki::cli {

namespace {
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
}

ProgressLine::ProgressLine(std::string what)
    : what_(std::move(what)), start_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() {
  if (drawn_) std::fputs("\r\033[K", stderr);
}

kube::ProgressCallback ProgressLine::callback() {
  if (isatty(STDERR_FILENO) != 1) return {};
  start_ = std::chrono::steady_clock::now();
  return [this](size_t done, size_t total) { update(done, total); };
}

void ProgressLine::update(size_t done, size_t total) {
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  drawn_ = true;
  double seconds = std::chrono::duration<double>(now - start_).count();
  double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  std::string left = "";
  if (rate > 0 && done < total) {
    auto eta = std::chrono::seconds(
        static_cast<long long>(static_cast<double>(total - done) / rate + 0.5));
    left = ", " + format_duration(eta) + " left";
  }
  std::fprintf(stderr, "\r\033[K%s %zu/%zu, %.1f/s%s", what_.c_str(), done, total, rate,
               left.c_str());
  std::fflush(stderr);
}

}  // namespace kpki::cli
