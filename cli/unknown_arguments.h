#pragma once
// Mistyped verbs and flags: CLI11 reports them last (after "A subcommand is required" or
// "--config is required", which then answer a typo), so kpki looks at what it left over first.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace kpki::cli {

// When `error` may have been caused by an argument nothing recognised ("iniit", "--confg"), the
// one-line message naming that argument and the nearest valid verb or flag; nullopt otherwise.
std::optional<std::string> unknown_argument_message(const CLI::App& app,
                                                    const CLI::ParseError& error);

}  // namespace kpki::cli
