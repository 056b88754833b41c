// check_tree: the walk over one node's tree -- its CA certificates, every leaf and kubeconfig of
// the table, the service-account key pair -- collecting every finding.
#include "core/kubernetes/check/tree_check.h"

#include <sys/stat.h>

#include <openssl/x509v3.h>

#include "core/fs/file_io.h"
#include "core/fs/secret.h"
#include "core/kubernetes/check/certificate_checks.h"
#include "core/kubernetes/csr/generate_csr.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/util/error.h"
#include "core/x509/pem.h"
#include "core/x509/public_key.h"

namespace kpki::kube {

namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

class TreeWalk {
 public:
  TreeWalk(const ClusterConfig& config, const NodeConfig& node, const TreeCheckOptions& options,
           const LeafKeySource& keys, TreeCheckReport& report)
      : config_(config),
        node_(node),
        options_(options),
        keys_(keys),
        report_(report),
        time_{options.now, options.warn_within} {}

  void run() {
    for (const CaSpec& spec : ca_specs()) {
      if (node_.control_plane() || spec.id == CaId::Kubernetes) authority(spec);
    }
    for (const LeafSpec& spec : leaf_specs(config_, node_)) {
      if (spec.kind == LeafKind::Kubeconfig)
        kubeconfig(spec);
      else
        certificate(spec);
    }
    if (node_.control_plane()) service_account();
  }

 private:
  std::string path(const std::string& rel) const { return options_.node_dir + "/" + rel; }

  // Present files are counted; a missing one is a finding.
  bool present(const std::string& rel, Findings& out, const std::string& why = "") {
    if (file_exists(path(rel))) {
      ++report_.files_checked;
      return true;
    }
    out.add(CheckArea::Missing, why.empty() ? "missing" : "missing (" + why + ")");
    return false;
  }

  // kubeadm writes private keys and kubeconfigs 0600: readable by their owner only.
  void private_mode(const std::string& rel, Findings& out, const char* what) {
    struct stat st {};
    if (::stat(path(rel).c_str(), &st) != 0 || (st.st_mode & 077) == 0) return;
    out.add(CheckArea::FileMode, "mode " + octal_mode(st.st_mode) + ": " + what +
                                     " must be readable by its owner only (0600)");
  }

  // The public half of a private key held in `pem`; empty (and a finding) when it does not parse.
  Bytes key_spki(const std::string& pem, const std::string& origin, Findings& out) {
    try {
      return keys_.from_pem(pem, origin).signer->public_key_der();
    } catch (const Error& e) {
      out.add(CheckArea::Unreadable, e.message());
      return {};
    }
  }

  Bytes key_file_spki(const std::string& rel, Findings& out) {
    private_mode(rel, out, "a private key");
    try {
      Secret pem(read_text_file(path(rel)));
      return key_spki(pem.reveal(), rel, out);
    } catch (const Error& e) {
      out.add(CheckArea::Unreadable, e.message());
      return {};
    }
  }

  void authority(const CaSpec& spec) {
    std::string rel = spec.base_path + ".crt";
    Findings out(report_.items, rel, spec.name);
    if (!present(rel, out, "the CA certificate: copy it from your CA")) return;
    std::vector<Certificate> bundle;
    try {
      bundle = Certificate::load_bundle(path(rel));
    } catch (const Error& e) {
      out.add(CheckArea::Unreadable, e.message());
      return;
    }
    const Certificate& ca = bundle.front();
    if (!ca.is_ca()) {
      out.add(CheckArea::Authority, "not a CA certificate (no basicConstraints CA:TRUE)");
    } else if ((X509_get_extension_flags(ca.x509()) & EXFLAG_KUSAGE) &&
               !(X509_get_key_usage(ca.x509()) & KU_KEY_CERT_SIGN)) {
      out.add(CheckArea::Authority, "keyUsage lacks keyCertSign");
    }
    check_validity(ca, time_, out);
    const auto& anchors = options_.anchors[static_cast<size_t>(spec.id)];
    if (!anchors.empty()) {
      if (std::string why = chain_problem(bundle, anchors); !why.empty())
        out.add(CheckArea::Chain, "does not chain to the given CA: " + why);
    }
    // External-CA mode (kubeadm): no CA key in the tree. One that is there must be private.
    if (file_exists(path(spec.base_path + ".key")))
      private_mode(spec.base_path + ".key", out, "a private key");
    cas_[static_cast<size_t>(spec.id)] = std::move(bundle);
  }

  void certificate(const LeafSpec& spec) {
    Findings out(report_.items, spec.cert_path(), spec.name);
    Findings key_out = out.for_file(spec.key_path());
    Bytes spki;
    if (present(spec.key_path(), key_out)) spki = key_file_spki(spec.key_path(), key_out);
    std::string csr = csr_rel_path(spec);
    if (!present(spec.cert_path(), out, file_exists(path(csr)) ? csr + " waits to be signed" : ""))
      return;
    std::vector<Certificate> chain;
    try {
      chain = Certificate::load_bundle(path(spec.cert_path()));
    } catch (const Error& e) {
      out.add(CheckArea::Unreadable, e.message());
      return;
    }
    check_leaf_certificate(chain, spki, spec, cas_[static_cast<size_t>(spec.ca)], time_, out);
  }

  void kubeconfig(const LeafSpec& spec) {
    Findings out(report_.items, spec.path, spec.name);
    if (!present(spec.path, out)) return;
    private_mode(spec.path, out, "a kubeconfig holds a private key and");
    Kubeconfig kc;
    try {
      kc = parse_partial_kubeconfig(read_text_file(path(spec.path)), spec.path);
    } catch (const Error& e) {
      out.add(CheckArea::Unreadable, e.message());
      return;
    }
    if (kc.server != spec.server)
      out.add(CheckArea::Kubeconfig,
              "server is " + kc.server + ", the config wants " + spec.server);
    const auto& ca = cas_[static_cast<size_t>(CaId::Kubernetes)];
    embedded_ca(kc, ca, out);
    Bytes spki;
    if (kc.client_key_pem.empty())
      out.add(CheckArea::Missing, "no client-key-data");
    else
      spki = key_spki(kc.client_key_pem, spec.path + ": client-key-data", out);
    if (!kc.client_cert_pem.empty()) {
      try {
        auto chain =
            certificates_from_pem(kc.client_cert_pem, spec.path + ": client-certificate-data");
        check_leaf_certificate(chain, spki, spec, ca, time_, out);
      } catch (const Error& e) {
        out.add(CheckArea::Unreadable, e.message());
      }
      return;
    }
    std::string pending = signed_cert_rel_path(spec), csr = csr_rel_path(spec);
    if (!file_exists(path(pending))) {
      out.add(CheckArea::Missing, file_exists(path(csr))
                                      ? "no client certificate yet (" + csr + " waits to be signed)"
                                      : "no client-certificate-data");
      return;
    }
    out.add(CheckArea::Missing, "client certificate not embedded yet (" + pending +
                                    " is there: certs check --fill-kubeconfigs embeds it)");
    Findings pending_out = out.for_file(pending);
    ++report_.files_checked;
    try {
      check_leaf_certificate(Certificate::load_bundle(path(pending)), spki, spec, ca, time_,
                             pending_out);
    } catch (const Error& e) {
      pending_out.add(CheckArea::Unreadable, e.message());
    }
  }

  void embedded_ca(const Kubeconfig& kc, const std::vector<Certificate>& ca, Findings& out) {
    if (kc.ca_pem.empty()) {
      out.add(CheckArea::Kubeconfig,
              "no certificate-authority-data (the cluster CA is not embedded)");
      return;
    }
    try {
      auto embedded = certificates_from_pem(kc.ca_pem, "certificate-authority-data");
      if (!ca.empty() && embedded.front().der() != ca.front().der())
        out.add(CheckArea::Kubeconfig, "certificate-authority-data is not pki/ca.crt (it holds " +
                                           subject_to_string(embedded.front().subject()) + ")");
    } catch (const Error& e) {
      out.add(CheckArea::Unreadable, e.message());
    }
  }

  void service_account() {
    Findings out(report_.items, kServiceAccountKey, "sa");
    Findings pub_out = out.for_file(kServiceAccountPub);
    Bytes spki;
    if (present(kServiceAccountKey, out)) spki = key_file_spki(kServiceAccountKey, out);
    if (!present(kServiceAccountPub, pub_out) || spki.empty()) return;
    try {
      std::string text = read_text_file(path(kServiceAccountPub));
      auto blocks = decode_pem(ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
                               kServiceAccountPub);
      EvpPkeyPtr pub = public_key_from_der(blocks.front().der);
      if (blocks.front().label != "PUBLIC KEY" || public_key_to_der(pub.get()) != spki)
        pub_out.add(CheckArea::KeyPair,
                    "is not the public half of " + std::string(kServiceAccountKey));
    } catch (const Error& e) {
      pub_out.add(CheckArea::Unreadable, e.message());
    }
  }

  const ClusterConfig& config_;
  const NodeConfig& node_;
  const TreeCheckOptions& options_;
  const LeafKeySource& keys_;
  TreeCheckReport& report_;
  CheckTime time_;
  std::array<std::vector<Certificate>, 3> cas_;  // the tree's CA files, by CaId
};

}  // namespace

size_t TreeCheckReport::count(Severity severity) const {
  size_t n = 0;
  for (const auto& item : items) n += item.severity == severity;
  return n;
}

const NodeConfig& node_to_check(const ClusterConfig& config, const std::string& name) {
  if (const NodeConfig* node = config.find_node(name)) return *node;
  std::string names;
  for (const auto& node : config.nodes) names += (names.empty() ? "" : ", ") + node.name;
  throw Error(ErrorCode::InvalidInput,
              config.source + ": no node '" + name + "' (nodes: " + names + "; use --node)");
}

TreeCheckReport check_tree(const ClusterConfig& config, const TreeCheckOptions& options,
                           const LeafKeySource& keys) {
  const NodeConfig& node = node_to_check(config, options.node_name);
  if (!file_exists(options.node_dir))
    throw Error(ErrorCode::NotFound, "node directory '" + options.node_dir + "' does not exist");
  TreeCheckReport report;
  report.node = node.name;
  report.node_dir = options.node_dir;
  for (const auto& anchors : options.anchors) report.anchors_given |= !anchors.empty();
  TreeWalk(config, node, options, keys, report).run();
  return report;
}

}  // namespace kpki::kube
