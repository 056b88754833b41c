// terminal_prompt_secret: a PIN or passphrase typed at the terminal. Read with read(2) into one
// fixed buffer that is wiped (no stdio or iostream buffer keeps a copy), and the terminal's echo
// comes back even when the user interrupts the prompt with Ctrl-C, Ctrl-\ or a signal from outside.
#include <openssl/crypto.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "cli/terminal_prompt.h"

#include "core/fs/secret.h"
#include "core/util/error.h"

namespace kpki {

namespace {

// Saved for the signal handler, which may only touch async-signal-safe state.
termios g_saved_mode;
volatile sig_atomic_t g_mode_saved = 0;

constexpr int kInterrupts[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP};

void restore_and_reraise(int sig) {
  if (g_mode_saved) tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_mode);
  const char newline = '\n';
  (void)!write(STDERR_FILENO, &newline, 1);
  signal(sig, SIG_DFL);
  raise(sig);
}

// Echo off for its lifetime; handlers that restore the terminal before the signal does its work.
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &g_saved_mode) != 0) return;
    g_mode_saved = 1;
    struct sigaction action {};
    action.sa_handler = restore_and_reraise;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < std::size(kInterrupts); ++i)
      sigaction(kInterrupts[i], &action, &previous_[i]);
    termios quiet = g_saved_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  ~EchoOff() {
    if (!g_mode_saved) return;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_mode);
    for (size_t i = 0; i < std::size(kInterrupts); ++i)
      sigaction(kInterrupts[i], &previous_[i], nullptr);
    g_mode_saved = 0;
  }

 private:
  struct sigaction previous_[std::size(kInterrupts)]{};
};

}  // namespace

Secret terminal_prompt_secret(std::string_view prompt) {
  if (!isatty(STDIN_FILENO)) {
    throw Error(ErrorCode::InvalidInput,
                std::string(prompt) + " needed but there is no terminal to ask on (give a file)");
  }
  std::cerr << prompt << ": " << std::flush;
  char line[1024];
  size_t length = 0;
  bool too_long = false;
  {
    EchoOff echo_off;
    for (;;) {
      char c;
      ssize_t n = read(STDIN_FILENO, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || c == '\n' || c == '\r') break;
      if (length < sizeof line)
        line[length++] = c;
      else
        too_long = true;
    }
  }
  std::cerr << "\n";
  std::string value(line, length);
  OPENSSL_cleanse(line, sizeof line);
  Secret secret(std::move(value));
  if (too_long)
    throw Error(ErrorCode::InvalidInput, std::string(prompt) + ": longer than 1024 bytes");
  return secret;
}

}  // namespace kpki
