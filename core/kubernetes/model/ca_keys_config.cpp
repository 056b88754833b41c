#include "core/kubernetes/model/ca_keys_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "core/config/yaml_documents.h"
#include "core/fs/file_io.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki::kube {

namespace fs = std::filesystem;

namespace {

// A file kpki writes never holds a PIN (docs/hardening.md): `text` (a key URI, or the whole
// document) must have no pin-value attribute.
void refuse_pin_value(const std::string& text, const std::string& where,
                      const std::string& out_path) {
  if (redact_key_uris_in_text(text) == text && redact_key_uri(text) == text) return;
  throw Error(ErrorCode::InvalidInput,
              where + " has a pin-value; kpki writes no PIN into '" + out_path +
                  "': give the PIN with pin-source=file:PATH (a 0600 file) instead");
}

}  // namespace

std::string config_with_ca_keys(const ClusterConfig& config,
                                const std::map<std::string, std::string>& ca_keys,
                                const std::string& out_path, const KeyRegistry& registry) {
  const std::string text = read_text_file(config.source);
  YAML::Node doc;
  try {
    std::vector<YAML::Node> docs = load_few_yaml_documents(text, config.source, 1);
    if (!docs.empty()) doc.reset(docs.front());  // as YAML::Load: the first, if any
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::InvalidInput, config.source + ": " + e.what());
  }
  if (!doc.IsMap() || !doc["kind"] || doc["kind"].as<std::string>("") != "ClusterPKI") {
    throw Error(ErrorCode::InvalidInput,
                config.source +
                    ": caKeys can only be written to a kpki ClusterPKI config "
                    "(a kubeadm config has no caKeys field)");
  }
  const std::string cwd = fs::current_path().string();
  YAML::Node keys(YAML::NodeType::Map);
  for (const char* name : {"ca", "etcd-ca", "front-proxy-ca"}) {
    auto it = ca_keys.find(name);
    if (it == ca_keys.end()) continue;
    refuse_pin_value(it->second, std::string("caKeys.") + name, out_path);
    keys[name] = resolve_key_uri(it->second, cwd, registry);
  }
  doc["caKeys"] = keys;
  if (config.root_ca.present()) {  // already resolved against the old config's directory
    refuse_pin_value(config.root_ca.key_uri, "rootCA.key", out_path);
    YAML::Node root(YAML::NodeType::Map);
    root["cert"] = fs::absolute(config.root_ca.cert).lexically_normal().string();
    root["key"] = config.root_ca.key_uri;
    doc["rootCA"] = root;
  }
  if (doc["serviceAccountKey"]) {
    doc["serviceAccountKey"] = fs::absolute(config.service_account_key).lexically_normal().string();
  }
  YAML::Emitter out;
  out << doc;
  std::string result = std::string(out.c_str()) + "\n";
  refuse_pin_value(result, config.source, out_path);  // any other field that carries one
  std::string base = fs::path(out_path).parent_path().string();
  // Throws if it would not load.
  parse_cluster_config(result, out_path, base.empty() ? "." : base, registry);
  return result;
}

}  // namespace kpki::kube
