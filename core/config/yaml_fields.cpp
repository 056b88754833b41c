#include "core/config/yaml_fields.h"

#include "core/util/error.h"
#include "core/util/suggest.h"

namespace kpki::kube {

void config_error(const std::string& origin, const std::string& path, const std::string& what) {
  throw Error(ErrorCode::InvalidInput, origin + ": " + (path.empty() ? "" : path + ": ") + what);
}

YamlFields::YamlFields(const YAML::Node& node, std::string origin, std::string path)
    : node_(node), origin_(std::move(origin)), path_(std::move(path)) {
  if (node_ && !node_.IsNull() && !node_.IsMap())
    config_error(origin_, path_.empty() ? "document" : path_, "expected a mapping");
}

std::string YamlFields::field_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void YamlFields::fail(const std::string& key, const std::string& what) const {
  config_error(origin_, field_path(key), what);
}

YAML::Node YamlFields::get(const std::string& key) const {
  if (!node_ || !node_.IsMap()) return YAML::Node();
  return node_[key];
}

bool YamlFields::has(const std::string& key) const {
  YAML::Node value = get(key);
  return value && !value.IsNull();
}

std::string YamlFields::string(const std::string& key, const std::string& fallback) const {
  YAML::Node value = get(key);
  if (!value || value.IsNull()) return fallback;
  if (!value.IsScalar()) fail(key, "expected a string");
  return value.Scalar();
}

std::vector<std::string> YamlFields::strings(const std::string& key) const {
  YAML::Node value = get(key);
  std::vector<std::string> out;
  if (!value || value.IsNull()) return out;
  if (!value.IsSequence()) fail(key, "expected a list of strings");
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].IsScalar())
      config_error(origin_, field_path(key) + "[" + std::to_string(i) + "]", "expected a string");
    out.push_back(value[i].Scalar());
  }
  return out;
}

YamlFields YamlFields::mapping(const std::string& key) const {
  return YamlFields(get(key), origin_, field_path(key));
}

std::vector<YamlFields> YamlFields::mappings(const std::string& key) const {
  YAML::Node value = get(key);
  std::vector<YamlFields> out;
  if (!value || value.IsNull()) return out;
  if (!value.IsSequence()) fail(key, "expected a list");
  for (size_t i = 0; i < value.size(); ++i) {
    std::string item = field_path(key) + "[" + std::to_string(i) + "]";
    if (!value[i].IsMap()) config_error(origin_, item, "expected a mapping");
    out.emplace_back(value[i], origin_, item);
  }
  return out;
}

void YamlFields::reject_unknown(const std::set<std::string>& known) const {
  if (!node_ || !node_.IsMap()) return;
  std::set<std::string> seen;
  for (const auto& entry : node_) {
    std::string key = entry.first.as<std::string>();
    if (!known.count(key))
      fail(key, "unknown field" + did_you_mean(key, {known.begin(), known.end()}));
    // yaml-cpp keeps both and lookups see the first: the file would not mean what it says.
    if (!seen.insert(key).second) fail(key, "field given twice");
  }
}

void YamlFields::reject_misspelled(const std::set<std::string>& known) const {
  if (!node_ || !node_.IsMap()) return;
  for (const auto& entry : node_) {
    std::string key = entry.first.as<std::string>();
    if (known.count(key)) continue;
    std::string suggestion = did_you_mean(key, {known.begin(), known.end()});
    if (!suggestion.empty()) fail(key, "unknown field" + suggestion);
  }
}

}  // namespace kpki::kube
