#pragma once
// A long run (`kpki init` of a thousand nodes) stopped by Ctrl-C, SIGTERM or SIGHUP ends like an
// error, not by the signal's default action: the signal only sets a flag, the run checks it at
// points where stopping is safe (between keys, between certificates, between file batches) and
// throws, so the usual rollback removes what it made and the ledger settles its records. A second
// signal of the same kind takes its default action (the user insists). A signal the process
// inherited as ignored (nohup, a background job) stays ignored.
#include <csignal>

namespace kpki {

// Installs the flag-setting handlers for its lifetime and restores the previous ones after.
// The process's signal dispositions are the program's to choose: the CLI makes one; a library
// user may make one too, or not (then throw_if_interrupted never throws).
class StopOnSignal {
 public:
  StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
  ~StopOnSignal();

 private:
  struct sigaction previous_[3]{};
};

// The signal that asked the run to stop (SIGINT, SIGTERM, SIGHUP), or 0.
int stop_signal();

// Throws Error(Unsupported, "interrupted by SIGINT") once a signal asked the run to stop: the
// operation cannot go on. stop_signal() tells it from any other error (the CLI exits 128 + the
// signal's number, as a shell reports a process a signal ended).
void throw_if_interrupted();

}  // namespace kpki
