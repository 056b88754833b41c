#include "core/kubernetes/tree/kubeconfig.h"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <string_view>

#include "core/fs/secret.h"
#include "core/util/error.h"

namespace kpki::kube {

std::string base64_encode(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string base64_decode(const std::string& text, const std::string& what) {
  std::string clean;
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ') clean.push_back(c);
  }
  if (clean.size() % 4 != 0) throw Error(ErrorCode::InvalidInput, what + ": invalid base64");
  std::string out(clean.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) throw Error(ErrorCode::InvalidInput, what + ": invalid base64");
  size_t len = static_cast<size_t>(n);
  // EVP_DecodeBlock counts padding as zero bytes.
  for (size_t i = clean.size(); i > 0 && clean[i - 1] == '='; --i) --len;
  out.resize(len);
  return out;
}

namespace {

// A YAML double-quoted scalar: any string can be one, escaping only '"', '\\' and control
// characters, and base64 needs no escaping at all.
void append_quoted(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

// The kubeconfig's fixed shape written directly, every value double-quoted. yaml-cpp's emitter
// checked each base64 blob character by character with regular expressions (about 13% of a
// 1,000-node `kpki init`), and even double-quoted it cost ~0.1 ms per blob; this costs a copy.
// Any YAML reader (kubectl's, yaml-cpp's in parse_kubeconfig below) reads the same values.
std::string_view client_certificate_data_of(std::string_view text) {
  constexpr std::string_view kField = "client-certificate-data:";
  size_t at = text.find(kField);
  if (at == std::string_view::npos) return {};
  size_t begin = text.find_first_not_of(' ', at + kField.size());
  if (begin == std::string_view::npos) return {};
  if (text[begin] == '"' || text[begin] == '\'') ++begin;
  size_t end = text.find_first_of("\"'\n", begin);
  return text.substr(begin, (end == std::string_view::npos ? text.size() : end) - begin);
}

std::string render_kubeconfig(const Kubeconfig& config) {
  std::string ca = base64_encode(config.ca_pem);
  std::string cert = base64_encode(config.client_cert_pem);
  Secret key(base64_encode(config.client_key_pem));
  std::string context = config.user + "@" + config.cluster_name;
  std::string out;
  // Reserved whole: a reallocation would leave a copy of the key in a freed block.
  out.reserve(ca.size() + cert.size() + key.reveal().size() + 4 * context.size() +
              config.server.size() + 512);
  auto line = [&](std::string_view prefix, std::string_view value) {
    out += prefix;
    append_quoted(out, value);
    out += '\n';
  };
  out += "apiVersion: v1\nclusters:\n- cluster:\n";
  line("    certificate-authority-data: ", ca);
  line("    server: ", config.server);
  line("  name: ", config.cluster_name);
  out += "contexts:\n- context:\n";
  line("    cluster: ", config.cluster_name);
  line("    user: ", config.user);
  line("  name: ", context);
  line("current-context: ", context);
  out += "kind: Config\npreferences: {}\nusers:\n";
  line("- name: ", config.user);
  out += "  user:\n";
  line("    client-certificate-data: ", cert);
  line("    client-key-data: ", key.reveal());
  return out;
}

namespace {

YAML::Node find_named(const YAML::Node& list, const std::string& name, const std::string& what,
                      const std::string& origin) {
  if (list && list.IsSequence()) {
    for (const auto& item : list) {
      if (item.IsMap() && item["name"] && item["name"].IsScalar() && item["name"].Scalar() == name)
        return item;
    }
  }
  throw Error(ErrorCode::InvalidInput, origin + ": no " + what + " named '" + name + "'");
}

std::string scalar(const YAML::Node& node, const std::string& key, const std::string& origin) {
  if (!node.IsMap() || !node[key] || !node[key].IsScalar())
    throw Error(ErrorCode::InvalidInput, origin + ": missing '" + key + "'");
  return node[key].Scalar();
}

// A base64 data field; absent is "" when `optional`.
std::string data_field(const YAML::Node& node, const std::string& key, const std::string& origin,
                       bool optional) {
  if (optional && node.IsMap() && !node[key]) return "";
  return base64_decode(scalar(node, key, origin), origin + ": " + key);
}

Kubeconfig read_kubeconfig(const std::string& text, const std::string& origin, bool partial) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::InvalidInput, origin + ": not a kubeconfig: " + e.msg);
  }
  if (!root.IsMap() || !root["kind"] || root["kind"].as<std::string>("") != "Config")
    throw Error(ErrorCode::InvalidInput, origin + ": not a kubeconfig (kind: Config)");
  std::string current = scalar(root, "current-context", origin);
  YAML::Node context = find_named(root["contexts"], current, "context", origin)["context"];
  Kubeconfig config;
  config.cluster_name = scalar(context, "cluster", origin);
  config.user = scalar(context, "user", origin);
  YAML::Node cluster =
      find_named(root["clusters"], config.cluster_name, "cluster", origin)["cluster"];
  YAML::Node user = find_named(root["users"], config.user, "user", origin)["user"];
  config.server = scalar(cluster, "server", origin);
  config.ca_pem = data_field(cluster, "certificate-authority-data", origin, partial);
  config.client_cert_pem = data_field(user, "client-certificate-data", origin, partial);
  config.client_key_pem = data_field(user, "client-key-data", origin, partial);
  return config;
}

}  // namespace

Kubeconfig parse_kubeconfig(const std::string& text, const std::string& origin) {
  return read_kubeconfig(text, origin, false);
}

Kubeconfig parse_partial_kubeconfig(const std::string& text, const std::string& origin) {
  return read_kubeconfig(text, origin, true);
}

}  // namespace kpki::kube
