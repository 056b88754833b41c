#include "core/kubernetes/csr/generate_csr.h"

#include "core/fs/file_io.h"
#include "core/issue/csr.h"
#include "core/issue/file_group.h"
#include "core/kubernetes/init/init.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/util/error.h"
#include "core/x509/public_key.h"

namespace kpki::kube {

namespace {

struct PlannedLeaf {
  std::string node;
  std::string node_dir;
  LeafSpec spec;
};

// The cluster's service-account key: the config's file when it names one, else a new key.
LeafKey service_account_key(const ClusterConfig& config, const LeafKeySource& keys) {
  if (!config.service_account_key.empty() && file_exists(config.service_account_key)) {
    Secret pem(read_text_file(config.service_account_key));
    return keys.from_pem(pem.reveal(), config.service_account_key);
  }
  return keys.generate(service_account_algorithm(config.algorithm));
}

}  // namespace

std::string csr_rel_path(const LeafSpec& spec) { return spec.path + ".csr"; }

std::string signed_cert_rel_path(const LeafSpec& spec) {
  return spec.kind == LeafKind::Kubeconfig ? spec.path + ".crt" : spec.cert_path();
}

std::vector<GeneratedCsr> generate_csrs(const ClusterConfig& config,
                                        const GenerateCsrOptions& options,
                                        const LeafKeySource& keys) {
  if (config.nodes.empty())
    throw Error(ErrorCode::InvalidInput, config.source + ": nodes: no node to make CSRs for");
  const Overwrite overwrite = options.force ? Overwrite::Yes : Overwrite::No;
  std::vector<PlannedLeaf> leaves;
  std::vector<std::string> targets;
  for (const NodeConfig& node : config.nodes) {
    std::string node_dir = options.out_dir + "/nodes/" + node.name;
    for (LeafSpec& spec : leaf_specs(config, node)) {
      std::string key_rel = spec.kind == LeafKind::Kubeconfig ? spec.path : spec.key_path();
      targets.push_back(node_dir + "/" + key_rel);
      targets.push_back(node_dir + "/" + csr_rel_path(spec));
      leaves.push_back({node.name, node_dir, std::move(spec)});
    }
    targets.push_back(node_dir + "/" + kKubeletConfigTls);
    if (node.control_plane()) {
      targets.push_back(node_dir + "/" + kServiceAccountKey);
      targets.push_back(node_dir + "/" + kServiceAccountPub);
    }
  }
  // kubeadm refuses a key or CSR that is already there; so does kpki, before writing anything.
  if (!options.force) {
    for (const auto& path : targets) {
      if (file_exists(path)) throw file_already_exists(path);
    }
  }

  std::vector<Algorithm> algorithms(leaves.size(), config.algorithm);
  std::vector<LeafKey> leaf_keys = generate_leaf_keys(keys, algorithms, options.leaf_keys);
  LeafKey sa_key = service_account_key(config, keys);
  std::string sa_pub = public_key_pem(sa_key.signer->public_key_der());

  FileBatch batch;
  std::vector<GeneratedCsr> made;
  for (size_t i = 0; i < leaves.size(); ++i) {
    const PlannedLeaf& leaf = leaves[i];
    const LeafKey& key = leaf_keys[i];
    // The usages of the table's profile for this key; the validity is the outside CA's choice.
    CertificateRequest request = leaf_request(leaf.spec, *key.signer, config.certificate_validity);
    std::string csr = make_csr_pem(request, *key.signer);
    GeneratedCsr out{leaf.node, leaf.spec.name, leaf.node_dir + "/" + csr_rel_path(leaf.spec), ""};
    if (leaf.spec.kind == LeafKind::Kubeconfig) {
      // No CA and no client certificate yet: both are embedded once the CA has signed.
      Kubeconfig kc{config.cluster_name, leaf.spec.server, leaf.spec.subject.common_name, "", "",
                    key.pem.reveal()};
      Secret text(render_kubeconfig(kc));
      out.key_path = leaf.node_dir + "/" + leaf.spec.path;
      batch.add(out.key_path, text.reveal(), 0600, overwrite);
    } else {
      out.key_path = leaf.node_dir + "/" + leaf.spec.key_path();
      batch.add(out.key_path, key.pem.reveal(), 0600, overwrite);
    }
    // 0600 as kubeadm writes CSRs (pkiutil.WriteCSR).
    batch.add(out.csr_path, csr, 0600, overwrite);
    made.push_back(std::move(out));
  }
  for (const NodeConfig& node : config.nodes) {
    std::string node_dir = options.out_dir + "/nodes/" + node.name;
    batch.add(node_dir + "/" + kKubeletConfigTls, kubelet_tls_config(), 0644, overwrite);
    if (!node.control_plane()) continue;
    batch.add(node_dir + "/" + kServiceAccountKey, sa_key.pem.reveal(), 0600, overwrite);
    batch.add(node_dir + "/" + kServiceAccountPub, sa_pub, 0644, overwrite);
  }
  CreatedFiles created;
  batch.write(&created);
  created.commit();
  return made;
}

}  // namespace kpki::kube
