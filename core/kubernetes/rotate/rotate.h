#pragma once
// `kpki ca rotate CA --phase begin|reissue|finish`: Kubernetes' "Manual Rotation of CA
// Certificates" as three plans (docs/ca-lifecycle.md).
//  - begin: a new CA key (on the old key's token under a new label, else a file under
//    OUT/rotation) and self-signed certificate; every trust file naming the CA holds old + new.
//  - reissue: every leaf of the CA, on every node, re-signed by the new CA (same key, identity
//    from the certificate table); trust stays old + new.
//  - finish: trust files hold the new CA only; OUT/pki/<ca>.crt is the new certificate; a file CA
//    key (and each node's copy) becomes the new key, the old one kept in OUT/rotation/<ca>/<n>/
//    (removed with destroy_old_key); a token key's config is written with caKeys naming the new
//    label (out_config).
// Planning writes nothing; apply executes the plan and advances OUT/rotation/<ca>.json last.
#include <memory>
#include <optional>
#include <string>

#include "core/issue/issuance_recorder.h"
#include "core/keys/key_manager.h"
#include "core/keys/key_registry.h"
#include "core/keys/leaf_key_source.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/plan/plan.h"
#include "core/kubernetes/rotate/state.h"
#include "core/x509/certificate.h"

namespace kpki::ledger {
class Ledger;
}

namespace kpki::kube {

struct RotateOptions {
  std::string out_dir;
  std::string ca;  // "ca", "etcd-ca", "front-proxy-ca"
  RotationPhase phase = RotationPhase::Begin;
  bool destroy_old_key = false;  // finish: remove the old file key kept under OUT/rotation
  std::string out_config;        // finish with a token key: the config naming the new key
  KeyOptions ca_key_options;
  IssuanceRecorder* recorder = nullptr;  // where the new CA records what it signs (none: nowhere)
  // Under the config's rootCA: where the root records the new intermediate (the root's ledger).
  IssuanceRecorder* root_recorder = nullptr;
  // The ledger kpki records this tree's certificates in (read only here; not owned). reissue
  // checks the rotation record and every leaf key against it (provenance.h): without
  // one, reissue certifies nothing.
  const ledger::Ledger* ledger = nullptr;
};

// What a phase works from, read from OUT, the config and the keys.
struct RotationContext {
  const CaSpec* spec = nullptr;
  RotationState state;                       // loaded, or the one begin starts
  bool state_saved = false;                  // OUT/rotation/<ca>.json already names this rotation
  std::shared_ptr<const Signer> new_signer;  // null: the new key is still to be made
  std::optional<Certificate> new_cert;       // null: still to be made
  std::string new_cert_path;                 // OUT/rotation/<ca>/<n>/new.crt
  // Under the config's rootCA (ca_chain.h): the certificates above the CA, and those of them a
  // leaf carries after the new CA (the intermediates, not the root). Empty for a self-signed CA.
  std::string above_pem;
  std::string above_chain_pem;
  // Trust files during the rotation: old + new (+ the root, under a rootCA: the old CA stays
  // first, the CA kubeadm reads); after finish: new (+ the root).
  std::string bundle_pem() const { return state.old_cert_pem + state.new_cert_pem + above_pem; }
  std::string new_trust_pem() const { return state.new_cert_pem + above_pem; }
  // What the new CA's leaves carry after their own certificate.
  std::string new_leaf_chain_pem() const {
    return above_pem.empty() ? "" : state.new_cert_pem + above_chain_pem;
  }
  // The saved record says a begin was under way: a run of it was killed.
  bool resumed_begin() const { return state_saved && state.running == RotationPhase::Begin; }
};

// Refuses an out-of-order phase (with_rotation naming the next one); writes nothing.
RotationContext read_rotation(const ClusterConfig& config, const RotateOptions& options,
                              const KeyRegistry& registry);

// After a token key's rotation, init must not run with the config that still names the old key
// (it would find OUT/pki/<ca>.crt not belonging to it): throws InvalidInput naming the record and
// the key URI now in use.
void refuse_rotated_out_keys(const ClusterConfig& config, const std::string& out_dir,
                             const KeyRegistry& registry);

Plan plan_rotation(const ClusterConfig& config, const RotateOptions& options,
                   const KeyRegistry& registry, const LeafKeySource& keys);

// Executes `plan` (from plan_rotation with the same arguments); returns what it did.
Plan apply_rotation(const Plan& plan, const ClusterConfig& config, const RotateOptions& options,
                    const KeyRegistry& registry, const LeafKeySource& keys);

}  // namespace kpki::kube
