// kpki hsm tokens|keys: what a PKCS#11 module offers, to find the token and key URIs to use.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "core/error.h"

#ifdef KPKI_WITH_PKCS11
#include "backends/pkcs11/pkcs11_key_manager.h"
#include "backends/pkcs11/pkcs11_uri.h"
#endif

namespace kpki::cli {

namespace {

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

#ifdef KPKI_WITH_PKCS11
std::string yes_no(const std::optional<bool>& v) { return v ? (*v ? "yes" : "no") : "-"; }

nlohmann::json json_bool(const std::optional<bool>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

void run_tokens(const HsmOptions& o) {
  Pkcs11KeyManager manager;
  auto slots = manager.list_tokens(o.module);
  if (o.output == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : slots) {
      nlohmann::json j = {{"slot", s.slot_id},
                          {"slot_description", s.slot_description},
                          {"token_present", s.token_present}};
      if (s.token_present) {
        j["label"] = s.label;
        j["serial"] = s.serial;
        j["manufacturer"] = s.manufacturer;
        j["model"] = s.model;
        j["flags"] = token_flag_names(s.token_flags);
        j["uri"] = "pkcs11:token=" + percent_encode(as_bytes(s.label)) +
                   ";serial=" + percent_encode(as_bytes(s.serial));
      }
      out.push_back(std::move(j));
    }
    std::cout << out.dump(2) << '\n';
    return;
  }
  Table rows = {{"SLOT", "LABEL", "SERIAL", "MANUFACTURER", "MODEL", "FLAGS"}};
  for (const auto& s : slots) {
    if (!s.token_present) {
      rows.push_back({std::to_string(s.slot_id), "(no token)", "", "", "", ""});
      continue;
    }
    rows.push_back({std::to_string(s.slot_id), s.label.empty() ? "(uninitialized)" : s.label,
                    s.serial, s.manufacturer, s.model, join(token_flag_names(s.token_flags), ",")});
  }
  print_table(rows);
}

void run_keys(const HsmOptions& o) {
  Pkcs11KeyManager manager;
  KeyOptions key_options;
  key_options.pkcs11_module = o.module;
  auto keys = manager.list_keys(o.uri, key_options);
  if (o.output == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& k : keys) {
      out.push_back({{"class", k.object_class},
                     {"label", k.label},
                     {"id", to_hex(k.id)},
                     {"type", k.type},
                     {"size", k.size},
                     {"sensitive", json_bool(k.sensitive)},
                     {"extractable", json_bool(k.extractable)},
                     {"never_extractable", json_bool(k.never_extractable)},
                     {"modifiable", json_bool(k.modifiable)}});
    }
    std::cout << out.dump(2) << '\n';
    return;
  }
  Table rows = {{"CLASS", "LABEL", "ID", "TYPE", "SIZE", "SENSITIVE", "EXTRACTABLE"}};
  for (const auto& k : keys) {
    rows.push_back({k.object_class, k.label, to_hex(k.id), k.type, k.size, yes_no(k.sensitive),
                    yes_no(k.extractable)});
  }
  print_table(rows);
}
#else
[[noreturn]] void run_tokens(const HsmOptions&) {
  throw Error(ErrorCode::Unsupported, "kpki was built without PKCS#11 support");
}
[[noreturn]] void run_keys(const HsmOptions&) {
  throw Error(ErrorCode::Unsupported, "kpki was built without PKCS#11 support");
}
#endif

}  // namespace

void add_hsm_commands(CLI::App& app) {
  auto opts = std::make_shared<HsmOptions>();
  CLI::App* hsm = app.add_subcommand("hsm", "Inspect PKCS#11 modules, tokens and keys");
  hsm->require_subcommand(1);

  CLI::App* tokens = hsm->add_subcommand("tokens", "List the slots and tokens of a PKCS#11 module");
  tokens->add_option("--pkcs11-module", opts->module,
                     "PKCS#11 module (default: $KPKI_PKCS11_MODULE, then p11-kit's proxy)");
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
