#pragma once
// `kpki init`: every node's /etc/kubernetes tree under OUT/nodes/<name>, from a ClusterConfig.
// Idempotent: files that still match the config are kept, missing ones created, mismatching ones
// reported (and replaced only with force). A dry run prints the same plan and touches nothing.
#include <ostream>
#include <string>

#include "core/key_manager.h"
#include "core/key_registry.h"
#include "core/kubernetes/cluster_config.h"
#include "core/kubernetes/leaf_keys.h"

namespace kpki::kube {

struct InitOptions {
  std::string out_dir;
  bool dry_run = false;
  bool force = false;
  KeyOptions ca_key_options;  // how CA key URIs are opened (PKCS#11 module, passphrase file)
};

struct InitSummary {
  int created = 0;
  int kept = 0;
  int replaced = 0;
  int mismatched = 0;  // reported, left alone (no --force)
  int removed = 0;     // files the config no longer places (super-admin.conf), with --force
};

// Throws (after keeping what was written) AlreadyExists when files mismatched without force;
// any other failure removes the files this run created.
InitSummary run_init(const ClusterConfig& config, const InitOptions& options,
                     const KeyRegistry& registry, const LeafKeySource& keys, std::ostream& log);

// The service-account key algorithm for a cluster: kube-apiserver signs tokens with RSA or
// ECDSA only, so an Ed25519 cluster gets ECDSA P-256.
Algorithm service_account_algorithm(Algorithm cluster_algorithm);

}  // namespace kpki::kube
