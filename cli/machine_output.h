#pragma once
// One convention for what kpki prints for programs (docs/json.md): a document is a JSON object
// with "apiVersion": "output.kpki.io/v1alpha1" and a "kind", keys in camelCase; -o yaml prints
// the same document as YAML. Results (the document, or in text mode the result line: paths,
// serials, fingerprints) go to stdout; messages (what was generated, warnings) to stderr.
#include <nlohmann/json.hpp>
#include <string>

namespace kpki::cli {

// {"apiVersion": ..., "kind": kind} followed by `fields` (an object).
nlohmann::ordered_json output_document(const std::string& kind,
                                       const nlohmann::ordered_json& fields = {});

// True for the formats that print a document ("json", "yaml").
bool prints_document(const std::string& format);

// Prints `document` on stdout as JSON (2-space indent) or YAML (strings always quoted, so that
// "0A1B" or "true" stay strings).
void print_document(const nlohmann::ordered_json& document, const std::string& format);

// A verb's result: `document` (json, yaml), else `text` (one or more lines) on stdout.
void print_result(const std::string& format, const nlohmann::ordered_json& document,
                  const std::string& text);

// A message for people (what was generated, where a key is): stderr, one line.
void print_message(const std::string& text);

}  // namespace kpki::cli
