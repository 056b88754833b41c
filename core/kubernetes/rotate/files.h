#pragma once
// What a CA rotation touches in OUT: the trust files naming the CA (every node's copy of its
// certificate, and for the cluster CA every kubeconfig's certificate-authority-data), the leaves
// it signs, and the key URI the new CA key gets. Plan and apply list them the same way.
#include <string>
#include <vector>

#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/model/cluster_config.h"

namespace kpki::kube {

struct TrustFile {
  std::string path;
  std::string node;
  std::string rel;  // under the node directory: "pki/ca.crt", "admin.conf"
  bool kubeconfig = false;
};

struct RotatedLeaf {
  std::string node;
  std::string node_dir;
  LeafSpec spec;
};

// Trust files of CA `id` under OUT/nodes (kubeconfigs only where present).
std::vector<TrustFile> trust_files(const ClusterConfig& config, const std::string& out_dir,
                                   CaId id);

// What `file` holds with `trust_pem` (one certificate or the bundle old + new) as its trust: the
// PEM itself, or the kubeconfig on disk with its certificate-authority-data replaced.
std::string trust_content(const TrustFile& file, const std::string& trust_pem);

// Every leaf of the certificate table signed by CA `id`, on every node.
std::vector<RotatedLeaf> rotated_leaves(const ClusterConfig& config, const std::string& out_dir,
                                        CaId id);

// The URI of rotation `number`'s new CA key, as the old key's scheme names it: a key file goes to
// `files_dir`/new.key; a token key stays on its token under the label object=<old>-r<number>
// (any -r<n> suffix of the old label replaced; an id= attribute dropped, the token assigns a new
// one). Unsupported when the scheme cannot name one.
std::string rotated_key_uri(const std::string& old_uri, int number, const std::string& files_dir,
                            const KeyRegistry& registry);

}  // namespace kpki::kube
