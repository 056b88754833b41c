#pragma once
// One leaf of a node directory on disk: a certificate + key pair (pki/apiserver.{crt,key}) or a
// kubeconfig embedding both. Reading, comparing with what the config asks for, issuing, writing.
#include <chrono>
#include <optional>
#include <string>

#include "core/fs/file_io.h"
#include "core/issue/authority.h"
#include "core/issue/file_group.h"
#include "core/keys/leaf_key_source.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/tree/ca_chain.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/x509/certificate.h"

namespace kpki::kube {

struct ExistingLeaf {
  bool cert_present = false;  // the .crt file, or the kubeconfig
  bool key_present = false;   // the .key file (certificates only)
  std::optional<Certificate> cert;
  std::optional<LeafKey> key;
  std::optional<Kubeconfig> kubeconfig;
  std::string problem;  // unreadable / inconsistent files
};

ExistingLeaf read_leaf(const std::string& node_dir, const LeafSpec& spec,
                       const LeafKeySource& keys);

// Why `cert` does not carry the identity `spec` gives it (subject, SANs, EKU, not a CA); "" when
// it does.
std::string identity_mismatch(const Certificate& cert, const LeafSpec& spec);

// True when `cert` names `ca` as its issuer and its signature verifies with `ca`'s public key.
bool signed_by(const Certificate& cert, const Certificate& ca);

// Why `leaf` does not match `spec` as issued by `ca` (ca may be null: a CA still to be made);
// "" when it matches. Checks subject, SANs, EKU, issuer signature, expiry, key pair and, for
// kubeconfigs, server, cluster, user and embedded CA (`ca_trust_pem`, ca_chain.h).
std::string leaf_mismatch(const ExistingLeaf& leaf, const LeafSpec& spec, const Certificate* ca,
                          const std::string& ca_trust_pem, const std::string& cluster_name);

CertificateRequest leaf_request(const LeafSpec& spec, const Signer& key,
                                std::chrono::seconds validity);

// Where the leaf's key comes from: made in this run (never on disk, so always written), or
// possibly kept from disk (written only when the key file holds another key).
enum class LeafKeyOrigin { New, MaybeOnDisk };

// Adds the leaf's files (key then certificate, or the kubeconfig) to `batch`; the file carrying
// the certificate carries its record ticket. The certificate is followed by `ca.chain_pem`, a
// kubeconfig embeds `ca.trust_pem` (ca_chain.h).
void add_leaf_files(FileBatch& batch, const std::string& node_dir, const LeafSpec& spec,
                    const Issued& issued, const LeafKey& key, const CaFiles& ca,
                    const std::string& cluster_name, Overwrite overwrite,
                    LeafKeyOrigin key_origin = LeafKeyOrigin::MaybeOnDisk);

// Writes the leaf (key then certificate, or the kubeconfig) atomically; new files are recorded
// in `created` for rollback.
void write_leaf(const std::string& node_dir, const LeafSpec& spec, const Issued& issued,
                const LeafKey& key, const CaFiles& ca, const std::string& cluster_name,
                Overwrite overwrite, CreatedFiles& created);

// "DNS:a, DNS:b, IP:10.96.0.1"
std::string sans_to_string(const SubjectAltNames& sans);

// Writes `data` with `mode` unless a file is there; records it in `created`. A file carrying a
// newly signed certificate passes its ticket (`record`).
void write_new_or_replace(const std::string& path, const std::string& data, mode_t mode,
                          Overwrite overwrite, CreatedFiles& created, RecordTicket record = {});

}  // namespace kpki::kube
