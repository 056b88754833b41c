#include "core/kubernetes/tree/node_copies.h"

#include "core/kubernetes/model/cert_specs.h"

namespace kpki::kube {

std::vector<CopiedFile> copies_for(const NodeConfig& node, const CopySources& sources) {
  std::vector<CopiedFile> files;
  auto ca_cert = [&](CaId id, const std::string& rel) {
    files.push_back({rel, sources.ca_cert_pems[static_cast<size_t>(id)], 0644,
                     ca_spec(id).name + " certificate"});
  };
  ca_cert(CaId::Kubernetes, "pki/ca.crt");
  files.push_back({kKubeletConfigTls, kubelet_tls_config(), 0644, "KubeletConfiguration TLS"});
  if (!node.control_plane()) return files;
  ca_cert(CaId::Etcd, "pki/etcd/ca.crt");
  ca_cert(CaId::FrontProxy, "pki/front-proxy-ca.crt");
  for (const CaSpec& spec : ca_specs()) {
    size_t i = static_cast<size_t>(spec.id);
    if (!sources.ca_key_is_file[i]) continue;
    files.push_back({spec.base_path + ".key", sources.ca_key_pems[i], 0600, spec.name + " key"});
  }
  files.push_back({kServiceAccountKey, sources.sa_key_pem, 0600, "service-account key"});
  files.push_back({kServiceAccountPub, sources.sa_pub_pem, 0644, "service-account public key"});
  return files;
}

}  // namespace kpki::kube
