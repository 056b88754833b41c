#include "cli/cli_model.h"

#include "core/x509/algorithm.h"
#include "core/x509/revocation.h"

namespace kpki::cli {

namespace {

// "{a,b,c}" (IsMember, choices()) or "value in {a->x,b->y} OR {x,y}" (CheckedTransformer): the
// names a user types, the ones before "->" in the first braces.
std::vector<std::string> values_in_description(const std::string& description) {
  std::vector<std::string> values;
  auto open = description.find('{');
  auto close = description.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return values;
  std::string inside = description.substr(open + 1, close - open - 1);
  size_t start = 0;
  while (start <= inside.size()) {
    size_t comma = inside.find(',', start);
    if (comma == std::string::npos) comma = inside.size();
    std::string item = inside.substr(start, comma - start);
    item = item.substr(0, item.find("->"));
    if (!item.empty()) values.push_back(item);
    start = comma + 1;
  }
  return values;
}

// The descriptions of an option's validators, in order. CLI11 2.1 lends them only through the
// non-const get_validator(int); this reads, it changes nothing.
std::vector<std::string> validator_descriptions(const CLI::Option& option) {
  std::vector<std::string> out;
  auto& readable = const_cast<CLI::Option&>(option);
  for (int i = 0;; ++i) {
    try {
      out.push_back(readable.get_validator(i)->get_description());
    } catch (const CLI::OptionNotFound&) {
      return out;
    }
  }
}

CliOption describe_option(const CLI::Option& option) {
  CliOption out;
  out.positional = option.get_positional();
  if (out.positional) {
    out.names.push_back(option.get_name(true));
  } else {
    for (const auto& name : option.get_snames()) out.names.push_back("-" + name);
    for (const auto& name : option.get_lnames()) out.names.push_back("--" + name);
  }
  out.description = option.get_description();
  out.default_value = option.get_default_str();
  out.required = option.get_required();
  out.repeatable = option.get_expected_max() > 1;
  // A flag: add_flag's type size is 0; set_version_flag's (add_flag_callback) expects 0 items.
  if (option.get_type_size_max() == 0 || option.get_items_expected_max() == 0) return out;
  out.kind = ValueKind::File;
  std::string type = option.get_type_name();
  out.value_name = type.substr(0, type.find(':'));
  for (const std::string& description : validator_descriptions(option)) {
    if (description == "DIR") out.kind = ValueKind::Dir;
    if (description == "FILE") out.value_name = "FILE";
    auto values = values_in_description(description);
    if (!values.empty()) {
      out.choices = values;
      out.kind = ValueKind::Choice;
    }
  }
  bool dir_flag = false;
  for (const auto& name : out.names) dir_flag |= name == "--dir" || name.ends_with("-dir");
  if (dir_flag && out.kind == ValueKind::File) out.kind = ValueKind::Dir;
  if (out.kind == ValueKind::Dir && out.value_name == "TEXT") out.value_name = "DIR";
  return out;
}

CliCommand describe(const CLI::App& app, std::vector<std::string> path) {
  CliCommand out;
  out.path = std::move(path);
  out.description = app.get_description();
  out.footer = app.get_footer();
  std::vector<CliOption> positionals;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;  // hidden
    CliOption described = describe_option(*option);
    (described.positional ? positionals : out.options).push_back(std::move(described));
  }
  for (auto& positional : positionals) out.options.push_back(std::move(positional));
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name().empty() || sub->get_group().empty()) continue;  // hidden verbs
    auto sub_path = out.path;
    sub_path.push_back(sub->get_name());
    out.subcommands.push_back(describe(*sub, std::move(sub_path)));
  }
  return out;
}

}  // namespace

std::string CliCommand::joined_path() const {
  std::string out;
  for (const auto& word : path) out += (out.empty() ? "" : " ") + word;
  return out;
}

void CliCommand::visit(const std::function<void(const CliCommand&)>& visitor) const {
  visitor(*this);
  for (const auto& sub : subcommands) sub.visit(visitor);
}

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return text;
}

std::string joined_words(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

CliCommand describe_cli(const CLI::App& app) { return describe(app, {}); }

CLI::Validator choices(const std::vector<std::string>& values) {
  std::string description = "{";
  for (const auto& value : values) description += (description.size() > 1 ? "," : "") + value;
  description += "}";
  return CLI::Validator([](std::string&) { return std::string(); }, description);
}

CLI::Validator algorithm_choices() {
  std::vector<std::string> names;
  for (Algorithm algorithm : kAllAlgorithms) names.emplace_back(algorithm_name(algorithm));
  return choices(names);
}

CLI::Validator reason_choices() {
  std::vector<std::string> names;
  for (long code = 0; code <= 10; ++code) {
    if (code == 7) continue;  // unused in RFC 5280
    names.emplace_back(reason_name(reason_from_code(code)));
  }
  return choices(names);
}

}  // namespace kpki::cli
