#pragma once
// `kpki certs generate-csr`: a tree whose certificates an outside CA signs, as
// `kubeadm certs generate-csr` lays it out. For every node of the config, under OUT/nodes/NAME:
// each leaf's key (`pki/apiserver.key`) and CSR beside it (`pki/apiserver.csr`); each kubeconfig
// with its server, cluster, user and client key but no certificates yet (`admin.conf`), and its
// CSR (`admin.conf.csr`). The CSRs carry the certificate table's subject, SANs and usages. Control
// planes also get the service-account key pair (one for the cluster) and every node the kubelet
// TLS fragment, as `kpki init` writes them. CA certificates are the outside CA's to provide.
#include <string>
#include <vector>

#include "core/keys/leaf_key_source.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/tree/leaf_key_pool.h"

namespace kpki::kube {

struct GenerateCsrOptions {
  std::string out_dir;
  bool force = false;  // replace files that are there (else AlreadyExists before any write)
  LeafKeyPoolOptions leaf_keys;
};

struct GeneratedCsr {
  std::string node;
  std::string name;      // "apiserver", "admin.conf", ...
  std::string csr_path;  // absolute or as given: OUT/nodes/NAME/pki/apiserver.csr
  std::string key_path;  // the key file, or the kubeconfig holding the key
};

// Writes everything or nothing (a failure removes what the run created). Returns the CSRs made,
// node by node in table order.
std::vector<GeneratedCsr> generate_csrs(const ClusterConfig& config,
                                        const GenerateCsrOptions& options,
                                        const LeafKeySource& keys);

// Where the outside CA's certificate for a leaf goes: `pki/apiserver.crt` beside its key, and
// for a kubeconfig `admin.conf.crt` beside `admin.conf.csr` (then embedded by
// fill_kubeconfigs, core/kubernetes/check/fill_kubeconfigs.h).
std::string csr_rel_path(const LeafSpec& spec);
std::string signed_cert_rel_path(const LeafSpec& spec);

}  // namespace kpki::kube
