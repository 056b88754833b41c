#pragma once
// The CLI's words on top of core's typed errors: core says what went wrong, the CLI says what the
// user can do about it with the verb they ran.
#include <CLI/CLI.hpp>
#include <string>

#include "core/util/error.h"

namespace kpki::cli {

// " (use --force to replace it)" when `error` is an existing file and the verb that ran has
// --force; the way out of a lost or replaced ledger (restore it, or `kpki ledger rebuild`); ""
// otherwise.
std::string hint_for(const Error& error, const CLI::App& app);

}  // namespace kpki::cli
