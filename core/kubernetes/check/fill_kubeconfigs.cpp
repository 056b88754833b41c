#include "core/kubernetes/check/fill_kubeconfigs.h"

#include "core/fs/file_io.h"
#include "core/fs/secret.h"
#include "core/kubernetes/check/certificate_checks.h"
#include "core/kubernetes/csr/generate_csr.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/util/error.h"

namespace kpki::kube {

namespace {

// Embeds the leaf's signed certificate and the CA into its kubeconfig; false when it stays as it
// is (nothing waiting, already embedded, or something `certs check` would report).
bool fill_one(const std::string& dir, const LeafSpec& spec, const std::string& ca_pem,
              const std::vector<Certificate>& ca, const TreeCheckOptions& options,
              const LeafKeySource& keys) {
  std::string pending = dir + "/" + signed_cert_rel_path(spec);
  std::string conf = dir + "/" + spec.path;
  if (!file_exists(pending) || !file_exists(conf)) return false;
  Kubeconfig kc = parse_partial_kubeconfig(read_text_file(conf), conf);
  std::string cert_pem = read_text_file(pending);
  if ((kc.client_cert_pem == cert_pem && kc.ca_pem == ca_pem) || kc.client_key_pem.empty())
    return false;
  Bytes spki =
      keys.from_pem(kc.client_key_pem, conf + ": client-key-data").signer->public_key_der();
  std::vector<CheckItem> items;
  Findings findings(items, signed_cert_rel_path(spec), spec.name);
  check_leaf_certificate(certificates_from_pem(cert_pem, pending), spki, spec, ca,
                         {options.now, options.warn_within}, findings);
  if (findings.any_finding_since(0)) return false;
  kc.ca_pem = ca_pem;
  kc.client_cert_pem = cert_pem;
  Secret text(render_kubeconfig(kc));
  write_file_atomic(conf, text.reveal(), 0600, Overwrite::Yes);
  return true;
}

}  // namespace

std::vector<std::string> fill_kubeconfigs(const ClusterConfig& config,
                                          const TreeCheckOptions& options,
                                          const LeafKeySource& keys) {
  const NodeConfig& node = node_to_check(config, options.node_name);
  const std::string& dir = options.node_dir;
  if (!file_exists(dir))
    throw Error(ErrorCode::NotFound, "node directory '" + dir + "' does not exist");
  std::string ca_path = dir + "/" + ca_spec(CaId::Kubernetes).base_path + ".crt";
  if (!file_exists(ca_path))
    throw Error(ErrorCode::NotFound, ca_path + ": the cluster CA certificate to embed is missing");
  std::string ca_pem = read_text_file(ca_path);
  std::vector<Certificate> ca = Certificate::load_bundle(ca_path);
  std::vector<std::string> done;
  for (const LeafSpec& spec : leaf_specs(config, node)) {
    if (spec.kind != LeafKind::Kubeconfig) continue;
    bool wrote = false;
    try {
      wrote = fill_one(dir, spec, ca_pem, ca, options, keys);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::InvalidInput) throw;  // a write that failed
      // Unreadable: left as it is; check_tree reports it.
    }
    if (wrote) done.push_back(spec.path);
  }
  return done;
}

}  // namespace kpki::kube
