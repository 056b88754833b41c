#pragma once
// `kpki init`: every node's /etc/kubernetes tree under OUT/nodes/<name>, from a ClusterConfig.
// Idempotent: files that still match the config are kept, missing ones created, mismatching ones
// reported (and replaced only with force). plan_init decides everything and writes nothing;
// apply_init executes exactly that plan; a dry run is the plan alone.
#include <ostream>
#include <string>

#include "core/issue/issuance_recorder.h"
#include "core/keys/key_manager.h"
#include "core/keys/key_registry.h"
#include "core/keys/leaf_key_source.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/plan/plan.h"
#include "core/kubernetes/tree/leaf_key_pool.h"

namespace kpki::ledger {
class Ledger;
}

namespace kpki::kube {

struct InitOptions {
  std::string out_dir;
  bool dry_run = false;       // run_init only: plan and print, apply nothing
  bool force = false;         // mismatching files are planned as Replace (and stale ones as Remove)
  KeyOptions ca_key_options;  // how CA key URIs are opened (PKCS#11 module, passphrase file)
  LeafKeyPoolOptions leaf_keys;          // threads for new leaf keys, progress of the run
  IssuanceRecorder* recorder = nullptr;  // where the CAs record what they sign (none: nowhere)
  // Where the config's rootCA records the intermediate CAs it signs: the root's ledger.
  IssuanceRecorder* root_recorder = nullptr;
  // A leaf key found on disk without its certificate is certified anew only when this ledger
  // (read only here; not owned) records a certificate with that public key for that file, or
  // when adopt_keys says so for this run (the plan shows each such key as adopted).
  const ledger::Ledger* ledger = nullptr;
  bool adopt_keys = false;
};

// Reads the config, OUT and the CA keys (opening existing ones); writes nothing, anywhere.
Plan plan_init(const ClusterConfig& config, const InitOptions& options, const KeyRegistry& registry,
               const LeafKeySource& keys);

// Executes `plan` (from plan_init with the same config and options) and returns what it did, in
// the same shape. Throws AlreadyExists, before any write, when the plan has a Mismatch; any other
// failure removes the files this run created.
Plan apply_init(const Plan& plan, const ClusterConfig& config, const InitOptions& options,
                const KeyRegistry& registry, const LeafKeySource& keys);

// plan_init, its text on `log`, then apply_init unless options.dry_run. Returns the counts of
// the plan applied (or of the dry run).
PlanCounts run_init(const ClusterConfig& config, const InitOptions& options,
                    const KeyRegistry& registry, const LeafKeySource& keys, std::ostream& log);

// The service-account key algorithm for a cluster: kube-apiserver signs tokens with RSA or
// ECDSA only, so an Ed25519 cluster gets ECDSA P-256.
Algorithm service_account_algorithm(Algorithm cluster_algorithm);

}  // namespace kpki::kube
