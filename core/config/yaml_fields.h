#pragma once
// Strict reading of YAML mappings: each accessor names the field path in its error, unknown keys
// and wrong node types are errors, never silently ignored.
#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

namespace kpki::kube {

class YamlFields {
 public:
  // `node` must be a mapping (or null/absent); `path` is its field path ("" at the top level).
  YamlFields(const YAML::Node& node, std::string origin, std::string path);

  std::string field_path(const std::string& key) const;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

  bool has(const std::string& key) const;
  // A scalar as text; `fallback` when absent.
  std::string string(const std::string& key, const std::string& fallback = "") const;
  std::vector<std::string> strings(const std::string& key) const;
  YamlFields mapping(const std::string& key) const;
  // The sequence of mappings at `key` (empty when absent).
  std::vector<YamlFields> mappings(const std::string& key) const;
  // Errors for any key not in `known`.
  void reject_unknown(const std::set<std::string>& known) const;
  // Errors only for a key that is a near miss of one in `known` ("certSANS"): for formats kpki
  // reads a part of (kubeadm's), where other unknown keys are let through, as kubeadm does.
  void reject_misspelled(const std::set<std::string>& known) const;

  const std::string& origin() const { return origin_; }
  const std::string& path() const { return path_; }

 private:
  YAML::Node get(const std::string& key) const;
  YAML::Node node_;
  std::string origin_;
  std::string path_;
};

// "origin: path: what", the one error shape of config parsing.
[[noreturn]] void config_error(const std::string& origin, const std::string& path,
                               const std::string& what);

}  // namespace kpki::kube
