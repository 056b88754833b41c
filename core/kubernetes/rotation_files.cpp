#include "core/kubernetes/rotation_files.h"

#include <regex>

#include "core/error.h"
#include "core/file_io.h"
#include "core/key_registry.h"
#include "core/kubernetes/kubeconfig.h"

namespace kpki::kube {

namespace {

std::string trust_rel(CaId id) {
  switch (id) {
    case CaId::Kubernetes:
      return "pki/ca.crt";
    case CaId::Etcd:
      return "pki/etcd/ca.crt";
    case CaId::FrontProxy:
      return "pki/front-proxy-ca.crt";
  }
  return "";
}

}  // namespace

std::vector<TrustFile> trust_files(const ClusterConfig& config, const std::string& out_dir,
                                   CaId id) {
  std::vector<TrustFile> files;
  for (const NodeConfig& node : config.nodes) {
    std::string node_dir = out_dir + "/nodes/" + node.name;
    // Only control-plane nodes hold the etcd and front-proxy CAs (node_copies.cpp).
    if (id == CaId::Kubernetes || node.control_plane())
      files.push_back({node_dir + "/" + trust_rel(id), node.name, trust_rel(id), false});
    if (id != CaId::Kubernetes) continue;
    for (const LeafSpec& spec : leaf_specs(config, node)) {
      std::string path = node_dir + "/" + spec.path;
      if (spec.kind == LeafKind::Kubeconfig && file_exists(path))
        files.push_back({path, node.name, spec.path, true});
    }
  }
  return files;
}

std::string trust_content(const TrustFile& file, const std::string& trust_pem) {
  if (!file.kubeconfig) return trust_pem;
  Kubeconfig kc = parse_kubeconfig(read_text_file(file.path), file.path);
  kc.ca_pem = trust_pem;
  return render_kubeconfig(kc);
}

std::vector<RotatedLeaf> rotated_leaves(const ClusterConfig& config, const std::string& out_dir,
                                        CaId id) {
  std::vector<RotatedLeaf> leaves;
  for (const NodeConfig& node : config.nodes) {
    for (LeafSpec& spec : leaf_specs(config, node)) {
      if (spec.ca == id) leaves.push_back({node.name, out_dir + "/nodes/" + node.name, spec});
    }
  }
  return leaves;
}

std::string rotated_key_uri(const std::string& old_uri, int number, const std::string& files_dir) {
  std::string scheme = key_uri_scheme(old_uri);
  if (scheme == "file") return files_dir + "/new.key";
  if (scheme == "botan") return "botan:" + files_dir + "/new.key";
  size_t query = old_uri.find('?');
  std::string path = old_uri.substr(0, query);
  std::string rest = query == std::string::npos ? "" : old_uri.substr(query);
  std::smatch m;
  static const std::regex object(R"((^|[:;])object=([^;]*))");
  if (!std::regex_search(path, m, object))
    throw Error(ErrorCode::InvalidInput, "key URI '" + path +
                                             "' has no object= label: a rotation names the new "
                                             "key after the old one");
  std::string label = std::regex_replace(m[2].str(), std::regex(R"(-r[0-9]+$)"), "");
  path = m.prefix().str() + m[1].str() + "object=" + label + "-r" + std::to_string(number) +
         m.suffix().str();
  path = std::regex_replace(path, std::regex(R"(;id=[^;]*|(:)id=[^;]*;?)"), "$1");
  return path + rest;
}

}  // namespace kpki::kube
