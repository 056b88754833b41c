#include "cli/unknown_arguments.h"

#include <vector>

#include "core/util/suggest.h"

namespace kpki::cli {

namespace {

// The verb the user reached: `kpki ca craete` stops at `ca`.
const CLI::App* deepest_verb(const CLI::App& app) {
  const CLI::App* verb = &app;
  while (!verb->get_subcommands().empty()) verb = verb->get_subcommands().front();
  return verb;
}

// "--name" of every long flag of `verb` and of the verbs above it (kpki's verbs fall through to
// their parents, so `kpki init --help` and `kpki init --version` are both valid).
std::vector<std::string> long_flags(const CLI::App* verb) {
  std::vector<std::string> names;
  for (; verb; verb = verb->get_parent()) {
    for (const CLI::Option* option : verb->get_options()) {
      for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    }
  }
  return names;
}

std::vector<std::string> sub_verbs(const CLI::App* verb) {
  std::vector<std::string> names;
  for (const CLI::App* sub : verb->get_subcommands([](const CLI::App*) { return true; })) {
    if (!sub->get_name().empty()) names.push_back(sub->get_name());
  }
  return names;
}

// The nearest names, or the pointer to the full list when none is close.
std::string suggestion(const std::string& word, const std::vector<std::string>& valid) {
  std::string text = did_you_mean(word, valid);
  return text.empty() ? " (see --help)" : text;
}

bool caused_by_leftovers(const CLI::ParseError& error) {
  // These are checked after parsing, so an unrecognised argument is the likelier cause.
  return dynamic_cast<const CLI::RequiredError*>(&error) ||
         dynamic_cast<const CLI::RequiresError*>(&error) ||
         dynamic_cast<const CLI::ExcludesError*>(&error) ||
         dynamic_cast<const CLI::ExtrasError*>(&error);
}

}  // namespace

std::optional<std::string> unknown_argument_message(const CLI::App& app,
                                                    const CLI::ParseError& error) {
  if (!caused_by_leftovers(error)) return std::nullopt;
  std::vector<std::string> left = app.remaining(true);
  if (left.empty()) return std::nullopt;
  const CLI::App* verb = deepest_verb(app);
  const std::string& first = left.front();
  if (first.rfind("--", 0) == 0 && first.size() > 2) {
    std::string flag = first.substr(0, first.find('='));  // never echo a value
    return "unknown option '" + flag + "'" + suggestion(flag, long_flags(verb));
  }
  if (first.rfind('-', 0) == 0) return "unknown option '" + first.substr(0, 2) + "' (see --help)";
  std::vector<std::string> verbs = sub_verbs(verb);
  if (!verbs.empty() && verb->get_subcommands().empty())
    return "unknown command '" + first + "'" + suggestion(first, verbs);
  return "unexpected argument '" + first + "' (see --help)";
}

}  // namespace kpki::cli
