// kpki hsm tokens|keys: what a PKCS#11 module offers, to find the token and key URIs to use.
#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backends/backends.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/machine_output.h"
#include "core/keys/key_capabilities.h"

namespace kpki::cli {

namespace {

// Both verbs speak to the pkcs11: backend through the registry: a build without it says so.
constexpr const char* kTokenScheme = "pkcs11:";

using Table = std::vector<std::vector<std::string>>;

// Columns padded to their widest cell; the header row first.
void print_table(const Table& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    std::cout << line << '\n';
  }
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

struct HsmOptions {
  std::string module;
  std::string output = "text";
  std::string uri;
};

std::string yes_no(const std::optional<bool>& v) { return v ? (*v ? "yes" : "no") : "-"; }

nlohmann::ordered_json json_bool(const std::optional<bool>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

void run_tokens(const HsmOptions& o) {
  KeyOptions key_options;
  key_options.pkcs11_module = o.module;
  auto slots =
      key_registry().capability<TokenLister>(kTokenScheme, "list tokens").list_tokens(key_options);
  if (prints_document(o.output)) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& s : slots) {
      nlohmann::ordered_json j = {
          {"slot", s.slot}, {"slotDescription", s.slot_description}, {"tokenPresent", s.present}};
      if (s.present) {
        j["label"] = s.label;
        j["serial"] = s.serial;
        j["manufacturer"] = s.manufacturer;
        j["model"] = s.model;
        j["flags"] = s.flags;
        j["uri"] = s.uri;
      }
      out.push_back(std::move(j));
    }
    print_document(output_document("TokenList", {{"items", out}}), o.output);
    return;
  }
  Table rows = {{"SLOT", "LABEL", "SERIAL", "MANUFACTURER", "MODEL", "FLAGS"}};
  for (const auto& s : slots) {
    if (!s.present) {
      rows.push_back({std::to_string(s.slot), "(no token)", "", "", "", ""});
      continue;
    }
    rows.push_back({std::to_string(s.slot), s.label.empty() ? "(uninitialized)" : s.label, s.serial,
                    s.manufacturer, s.model, join(s.flags, ",")});
  }
  print_table(rows);
}

void run_keys(const HsmOptions& o) {
  KeyOptions key_options;
  key_options.pkcs11_module = o.module;
  auto keys =
      key_registry().capability<KeyLister>(o.uri, "list keys").list_keys(o.uri, key_options);
  if (prints_document(o.output)) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& k : keys) {
      out.push_back({{"class", k.object_class},
                     {"label", k.label},
                     {"id", k.id_hex},
                     {"type", k.type},
                     {"size", k.size},
                     {"sensitive", json_bool(k.sensitive)},
                     {"extractable", json_bool(k.extractable)},
                     {"neverExtractable", json_bool(k.never_extractable)},
                     {"modifiable", json_bool(k.modifiable)}});
    }
    print_document(output_document("TokenKeyList", {{"items", out}}), o.output);
    return;
  }
  Table rows = {{"CLASS", "LABEL", "ID", "TYPE", "SIZE", "SENSITIVE", "EXTRACTABLE"}};
  for (const auto& k : keys) {
    rows.push_back({k.object_class, k.label, k.id_hex, k.type, k.size, yes_no(k.sensitive),
                    yes_no(k.extractable)});
  }
  print_table(rows);
}

}  // namespace

void add_hsm_commands(CLI::App& app) {
  auto opts = std::make_shared<HsmOptions>();
  CLI::App* hsm = app.add_subcommand("hsm", "Inspect PKCS#11 modules, tokens and keys");
  hsm->require_subcommand(1);

  CLI::App* tokens = hsm->add_subcommand("tokens", "List the slots and tokens of a PKCS#11 module");
  tokens->add_option("--pkcs11-module", opts->module,
                     "PKCS#11 module (default: $KPKI_PKCS11_MODULE, then the one module "
                     "p11-kit registers, or softhsm2)");
  add_output_format_flag(*tokens, opts->output);
  tokens->footer(
      "Example:\n  kpki hsm tokens --pkcs11-module /usr/lib/softhsm/libsofthsm2.so -o json");
  tokens->callback([opts] { run_tokens(*opts); });

  CLI::App* keys = hsm->add_subcommand("keys", "List the key objects on a token");
  keys->add_option("uri", opts->uri, "pkcs11: URI selecting the token (with its PIN source)")
      ->required();
  keys->add_option("--pkcs11-module", opts->module,
                   "PKCS#11 module when the URI has no module-path");
  add_output_format_flag(*keys, opts->output);
  keys->footer(
      "Example:\n  kpki hsm keys 'pkcs11:token=kube-ca?pin-source=file:.hsm/user-pin' "
      "--pkcs11-module /usr/lib/softhsm/libsofthsm2.so");
  keys->callback([opts] { run_keys(*opts); });
}

}  // namespace kpki::cli
