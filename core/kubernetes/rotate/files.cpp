#include "core/kubernetes/rotate/files.h"

#include "core/fs/file_io.h"
#include "core/keys/key_registry.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"

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

std::string rotated_key_uri(const std::string& old_uri, int number, const std::string& files_dir,
                            const KeyRegistry& registry) {
  const KeyScheme& scheme = registry.scheme_for(old_uri);
  if (auto uri = scheme.rotated_key_uri(old_uri, number, files_dir)) return *uri;
  throw Error(ErrorCode::Unsupported, "the " + scheme.name() +
                                          " key backend cannot name a new key for a rotation "
                                          "(key URI '" +
                                          redact_key_uri(old_uri) + "')");
}

}  // namespace kpki::kube
