#include "core/util/interruption.h"

#include <cstring>
#include <iterator>
#include <string>

#include "core/util/error.h"

namespace kpki {

namespace {

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};
// Written by the handler, read by any thread: lock-free and async-signal-safe.
volatile std::sig_atomic_t g_stop_signal = 0;

void remember(int sig) { g_stop_signal = sig; }

}  // namespace

StopOnSignal::StopOnSignal() {
  g_stop_signal = 0;
  struct sigaction action {};
  action.sa_handler = remember;
  sigemptyset(&action.sa_mask);
  // The next one of the same signal is the default action again: a second Ctrl-C ends the
  // process at once if the cleanup after the first takes too long.
  action.sa_flags = SA_RESETHAND | SA_RESTART;  // a write or a wait under way completes
  for (size_t i = 0; i < std::size(kStopSignals); ++i) {
    sigaction(kStopSignals[i], nullptr, &previous_[i]);
    if (previous_[i].sa_handler != SIG_IGN) sigaction(kStopSignals[i], &action, nullptr);
  }
}

StopOnSignal::~StopOnSignal() {
  for (size_t i = 0; i < std::size(kStopSignals); ++i)
    sigaction(kStopSignals[i], &previous_[i], nullptr);
}

int stop_signal() { return g_stop_signal; }

void throw_if_interrupted() {
  int sig = g_stop_signal;
  if (sig == 0) return;
  std::string name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
  throw Error(ErrorCode::Unsupported, "interrupted by " + name);
}

}  // namespace kpki
