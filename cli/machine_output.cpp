#include "cli/machine_output.h"

#include <yaml-cpp/yaml.h>

#include <iostream>

#include "core/util/output_document.h"

namespace kpki::cli {

namespace {

void emit_yaml(YAML::Emitter& out, const nlohmann::ordered_json& value) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (auto it = value.begin(); it != value.end(); ++it) {
      out << YAML::Key << it.key() << YAML::Value;
      emit_yaml(out, *it);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : value) emit_yaml(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    out << YAML::DoubleQuoted << value.get<std::string>();
  } else if (value.is_null()) {
    out << YAML::Null;
  } else {
    out << value.dump();  // numbers and booleans read back as themselves
  }
}

}  // namespace

nlohmann::ordered_json output_document(const std::string& kind,
                                       const nlohmann::ordered_json& fields) {
  nlohmann::ordered_json document = {{"apiVersion", kOutputApiVersion}, {"kind", kind}};
  if (fields.is_object())
    for (auto it = fields.begin(); it != fields.end(); ++it) document[it.key()] = *it;
  return document;
}

bool prints_document(const std::string& format) { return format == "json" || format == "yaml"; }

void print_document(const nlohmann::ordered_json& document, const std::string& format) {
  // Names come from certificates and may hold bytes that are not UTF-8: replaced, never thrown.
  if (format == "yaml") {
    YAML::Emitter out;
    emit_yaml(out, nlohmann::ordered_json::parse(
                       document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    std::cout << out.c_str() << "\n";
    return;
  }
  std::cout << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void print_result(const std::string& format, const nlohmann::ordered_json& document,
                  const std::string& text) {
  if (prints_document(format)) {
    print_document(document, format);
  } else {
    std::cout << text << (text.empty() || text.back() == '\n' ? "" : "\n");
  }
  std::cout << std::flush;
}

void print_message(const std::string& text) { std::cerr << text << "\n"; }

}  // namespace kpki::cli
