#pragma once
// The last step of an external CA's tree (`kpki certs check --fill-kubeconfigs`): each
// kubeconfig that `certs generate-csr` left waiting gets the certificate the CA signed for it
// (`admin.conf.crt`, beside `admin.conf.csr`) and the cluster CA (`pki/ca.crt`) embedded. A
// certificate is embedded only when `certs check` would find nothing wrong with it (identity,
// usages, key pair with the kubeconfig's key, chain to pki/ca.crt, validity); otherwise the
// kubeconfig is left as it is and the check reports why.
#include <string>
#include <vector>

#include "core/kubernetes/check/tree_check.h"

namespace kpki::kube {

// Returns the kubeconfigs rewritten (relative to the node directory). Each is replaced
// atomically, mode 0600. Throws as check_tree does for a missing directory or node.
std::vector<std::string> fill_kubeconfigs(const ClusterConfig& config,
                                          const TreeCheckOptions& options,
                                          const LeafKeySource& keys);

}  // namespace kpki::kube
