#pragma once
// The CLI's secret prompt: a PIN or passphrase typed at the terminal without echo. main()
// installs it as core's prompt (core/fs/secret.h install_secret_prompt).
#include <string_view>

#include "core/fs/secret.h"

namespace kpki {

// Throws InvalidInput when stdin is not a terminal.
Secret terminal_prompt_secret(std::string_view prompt);

}  // namespace kpki
