#pragma once
// The man page and the bash, zsh and fish completions of kpki, generated from its command tree
// (cli/cli_model.h) by `kpki man` and `kpki completion SHELL`; the build writes them into
// packaging/ of the build tree, and the package installs those (cmake/KpkiInstall.cmake).
#include <string>

#include "cli/cli_model.h"

namespace kpki::cli {

std::string bash_completion(const CliCommand& kpki);
std::string zsh_completion(const CliCommand& kpki);
std::string fish_completion(const CliCommand& kpki);
std::string man_page(const CliCommand& kpki, const std::string& version);

// 'text' for sh, bash, zsh and fish alike (a ' inside becomes '\'', or \' for fish).
std::string single_quoted(const std::string& text, bool fish = false);

}  // namespace kpki::cli
