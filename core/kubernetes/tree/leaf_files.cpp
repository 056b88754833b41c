#include "core/kubernetes/tree/leaf_files.h"

#include <openssl/err.h>

#include <filesystem>

#include "core/issue/file_group.h"
#include "core/issue/profiles.h"
#include "core/util/error.h"

namespace kpki::kube {

namespace {

std::string join(const std::string& dir, const std::string& rel) { return dir + "/" + rel; }

std::vector<ExtendedKeyUsage> profile_eku(Profile profile) {
  CertificateRequest request;
  apply_profile(profile, KeyType::Ec, request);
  return request.extended_key_usage;
}

}  // namespace

bool signed_by(const Certificate& cert, const Certificate& ca) {
  if (X509_NAME_cmp(X509_get_issuer_name(cert.x509()), X509_get_subject_name(ca.x509())) != 0)
    return false;
  EVP_PKEY* ca_key = X509_get0_pubkey(ca.x509());
  bool ok = ca_key && X509_verify(cert.x509(), ca_key) == 1;
  ERR_clear_error();
  return ok;
}

std::string identity_mismatch(const Certificate& cert, const LeafSpec& spec) {
  if (cert.subject() != spec.subject)
    return "subject is '" + subject_to_string(cert.subject()) + "', config wants '" +
           subject_to_string(spec.subject) + "'";
  SubjectAltNames sans = cert.subject_alt_names();
  if (sans != spec.sans)
    return "SANs are [" + sans_to_string(sans) + "], config wants [" + sans_to_string(spec.sans) +
           "]";
  if (cert.extended_key_usage() != profile_eku(spec.profile)) return "extended key usage differs";
  if (cert.is_ca()) return "is a CA certificate";
  return "";
}

std::string sans_to_string(const SubjectAltNames& sans) {
  std::string out;
  auto add = [&](const char* type, const std::vector<std::string>& list) {
    for (const auto& v : list) out += (out.empty() ? "" : ", ") + std::string(type) + ":" + v;
  };
  add("DNS", sans.dns);
  add("IP", sans.ips);
  add("URI", sans.uris);
  add("email", sans.emails);
  return out.empty() ? "-" : out;
}

ExistingLeaf read_leaf(const std::string& node_dir, const LeafSpec& spec,
                       const LeafKeySource& keys) {
  ExistingLeaf leaf;
  try {
    if (spec.kind == LeafKind::Kubeconfig) {
      std::string path = join(node_dir, spec.path);
      if (!(leaf.cert_present = file_exists(path))) return leaf;
      leaf.key_present = true;
      leaf.kubeconfig = parse_kubeconfig(read_text_file(path), path);
      leaf.cert = first_certificate_of_pem(leaf.kubeconfig->client_cert_pem,
                                           path + ": client-certificate-data");
      leaf.key = keys.from_pem(leaf.kubeconfig->client_key_pem, path + ": client-key-data");
    } else {
      std::string cert_path = join(node_dir, spec.cert_path());
      std::string key_path = join(node_dir, spec.key_path());
      leaf.cert_present = file_exists(cert_path);
      leaf.key_present = file_exists(key_path);
      if (leaf.key_present) {
        Secret pem(read_text_file(key_path));
        leaf.key = keys.from_pem(pem.reveal(), key_path);
      }
      if (leaf.cert_present) leaf.cert = first_certificate(cert_path);
    }
  } catch (const Error& e) {
    leaf.problem = e.message();
  }
  return leaf;
}

std::string leaf_mismatch(const ExistingLeaf& leaf, const LeafSpec& spec, const Certificate* ca,
                          const std::string& ca_trust_pem, const std::string& cluster_name) {
  if (!leaf.problem.empty()) return leaf.problem;
  if (!leaf.cert) return "certificate missing";
  if (!leaf.key) return "key missing";
  const Certificate& cert = *leaf.cert;
  if (std::string reason = identity_mismatch(cert, spec); !reason.empty()) return reason;
  if (!ca) return "its CA is about to be created";
  if (!signed_by(cert, *ca)) return "not signed by the current " + ca_spec(spec.ca).name;
  if (cert.not_after() <= now_seconds()) return "expired";
  if (cert.public_key_der() != leaf.key->signer->public_key_der())
    return "key does not match the certificate";
  if (leaf.kubeconfig) {
    const Kubeconfig& kc = *leaf.kubeconfig;
    if (kc.server != spec.server) return "server is " + kc.server + ", config wants " + spec.server;
    if (kc.cluster_name != cluster_name)
      return "cluster is '" + kc.cluster_name + "', config wants '" + cluster_name + "'";
    if (kc.user != spec.subject.common_name) return "user is '" + kc.user + "'";
    if (kc.ca_pem != (ca_trust_pem.empty() ? ca->pem() : ca_trust_pem))
      return "embedded CA certificate is not the current one";
  }
  return "";
}

CertificateRequest leaf_request(const LeafSpec& spec, const Signer& key,
                                std::chrono::seconds validity) {
  CertificateRequest request;
  request.subject = spec.subject;
  request.sans = spec.sans;
  request.subject_public_key = key.public_key_der();
  apply_profile(spec.profile, key_type(key.algorithm()), request);
  request.validity = Validity::from_now(validity);
  return request;
}

void write_new_or_replace(const std::string& path, const std::string& data, mode_t mode,
                          Overwrite overwrite, CreatedFiles& created, RecordTicket record) {
  bool existed = file_exists(path);
  make_directories(std::filesystem::path(path).parent_path().string(), 0700);
  if (record)
    write_recorded_file(path, data, mode, overwrite, record);
  else
    write_file_atomic(path, data, mode, overwrite);
  if (!existed) created.add(path);
}

void add_leaf_files(FileBatch& batch, const std::string& node_dir, const LeafSpec& spec,
                    const Issued& issued, const LeafKey& key, const CaFiles& ca,
                    const std::string& cluster_name, Overwrite overwrite,
                    LeafKeyOrigin key_origin) {
  const Certificate& cert = issued.certificate;
  const std::string cert_pem = cert.pem() + ca.chain_pem;
  if (spec.kind == LeafKind::Kubeconfig) {
    Kubeconfig kc{cluster_name, spec.server, spec.subject.common_name,
                  ca.trust_pem, cert_pem,    key.pem.reveal()};
    Secret text(render_kubeconfig(kc));
    batch.add(join(node_dir, spec.path), text.reveal(), 0600, overwrite, issued.record);
    return;
  }
  std::string key_path = join(node_dir, spec.key_path());
  // A key kept from before (only its certificate was missing) is not rewritten.
  if (key_origin == LeafKeyOrigin::New || !file_exists(key_path) ||
      read_text_file(key_path) != key.pem.reveal())
    batch.add(key_path, key.pem.reveal(), 0600, overwrite);
  // Key and certificate land together (added one after the other, renamed one after the
  // other): a kill between two separate writes left a new key beside the old certificate (found
  // by tests/scripts/hardening_crash_safety.sh, certs renew).
  batch.add(join(node_dir, spec.cert_path()), cert_pem, 0644, overwrite, issued.record);
}

void write_leaf(const std::string& node_dir, const LeafSpec& spec, const Issued& issued,
                const LeafKey& key, const CaFiles& ca, const std::string& cluster_name,
                Overwrite overwrite, CreatedFiles& created) {
  FileBatch batch;
  add_leaf_files(batch, node_dir, spec, issued, key, ca, cluster_name, overwrite);
  batch.write(&created);
}

}  // namespace kpki::kube
