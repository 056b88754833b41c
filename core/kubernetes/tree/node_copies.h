#pragma once
// The files every node gets as copies of cluster-wide ones (CA certificates; on control-plane
// nodes the file CA keys and the service-account key pair; the kubelet TLS fragment). Planning
// and applying list them the same way; contents not known yet (a CA still to be made) are "".
#include <sys/types.h>
#include <array>
#include <string>
#include <vector>

#include "core/kubernetes/model/cluster_config.h"

namespace kpki::kube {

struct CopySources {
  std::array<std::string, 3> ca_cert_pems;  // by CaId; "" = not known yet
  std::array<std::string, 3> ca_key_pems;   // file CA keys only; "" = token key or not known
  std::array<bool, 3> ca_key_is_file{};     // a token key never lands in a tree
  std::string sa_key_pem;
  std::string sa_pub_pem;
};

struct CopiedFile {
  std::string rel;  // under the node directory
  std::string content;
  mode_t mode;
  std::string detail;  // "ca certificate", "service-account key", ...
};

std::vector<CopiedFile> copies_for(const NodeConfig& node, const CopySources& sources);

}  // namespace kpki::kube
