// kpki completion bash|zsh|fish, and kpki man (hidden: the build writes packaging/kpki.1 with
// it). Both read the command tree the parser itself uses, so neither can go stale.
#include <iostream>

#include "cli/cli_model.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/completion_scripts.h"

namespace kpki::cli {

void add_completion_commands(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  auto* completion = app.add_subcommand(
      "completion", "Print the shell completion script for bash, zsh or fish (kubectl-style)");
  completion->footer(
      example("kpki completion bash") +
      "Save it as ~/.local/share/bash-completion/completions/kpki (bash), as _kpki in a "
      "directory of $fpath (zsh),\nor as ~/.config/fish/completions/kpki.fish (fish); the "
      "kpki package installs all three.");
  completion->add_option("shell", *shell, "The shell")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  completion->callback([&app, shell] {
    CliCommand tree = describe_cli(app);
    if (*shell == "bash") std::cout << bash_completion(tree);
    if (*shell == "zsh") std::cout << zsh_completion(tree);
    if (*shell == "fish") std::cout << fish_completion(tree);
  });

  auto* man = app.add_subcommand("man", "Print the kpki(1) man page (roff)");
  man->group("");  // hidden: a build step, not a verb users look for (`man kpki` is)
  man->callback([&app] { std::cout << man_page(describe_cli(app), KPKI_VERSION); });
}

}  // namespace kpki::cli
