#pragma once
// The kpki command tree as plain data, read from the CLI11 definitions themselves: what the man
// page and the shell completions are generated from (`kpki man`, `kpki completion SHELL`), so
// they cannot drift from what the parser accepts.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace kpki::cli {

// What a flag's or a positional's value is, for completion.
enum class ValueKind {
  None,    // a flag without a value (--force)
  Choice,  // one of `choices` (IsMember, CheckedTransformer or choices(): --profile server)
  Dir,     // a directory (--dir)
  File,    // anything else: a file or a URI that may be one (cobra completes files the same way)
};

struct CliOption {
  std::vector<std::string> names;  // "-o", "--output"; a positional: its name ("uri")
  std::string value_name;          // "TEXT", "FILE", "INT" (empty for flags)
  std::string description;
  std::string default_value;
  std::vector<std::string> choices;
  ValueKind kind = ValueKind::None;
  bool required = false;
  bool repeatable = false;
  bool positional = false;
};

struct CliCommand {
  std::vector<std::string> path;  // {} for kpki itself, {"ca", "create"} for `kpki ca create`
  std::string description;
  std::string footer;              // the example(s) after the options
  std::vector<CliOption> options;  // its own flags, --help included, then positionals
  std::vector<CliCommand> subcommands;

  std::string joined_path() const;  // "ca create"; "" for kpki
  // Calls `visit` on this command, then on every command below it, depth first.
  void visit(const std::function<void(const CliCommand&)>& visit) const;
};

// `text` on one line (newlines and tabs as spaces), for a completion's description.
std::string one_line(std::string text);
// The items separated by single spaces.
std::string joined_words(const std::vector<std::string>& items);

// The visible tree under `app` (hidden verbs and flags, CLI11's group "", are left out).
CliCommand describe_cli(const CLI::App& app);

// A validator that only documents the values a flag takes; the verb checks them itself (with
// "did you mean"), so CLI11 accepts anything and the help, man page and completions list them.
CLI::Validator choices(const std::vector<std::string>& values);
// choices() of kpki's key algorithms (rsa-2048 ... ed25519) and of RFC 5280's revocation reasons.
CLI::Validator algorithm_choices();
CLI::Validator reason_choices();

}  // namespace kpki::cli
