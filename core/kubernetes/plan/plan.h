#pragma once
// What `kpki init` and `kpki certs renew` will do (or did), as a value: one entry per file with
// its action, the reason, the table row it comes from and its signer. Planning reads the config,
// the disk and the CA keys but writes nothing; applying executes exactly the plan and reports in
// the same shape, so `--dry-run` and the real run can be compared (docs/plan.md).
#include <string>
#include <vector>

namespace kpki::kube {

enum class PlanAction { Create, Keep, Replace, Mismatch, Remove, Skip };

// "create", "keep", "replace", "mismatch", "remove", "skip" (the JSON spelling).
const char* plan_action_name(PlanAction action);

// What kind of file an entry is, so apply knows how to produce it.
enum class PlannedKind {
  CaCertificate,      // OUT/pki/<ca>.crt, self-signed
  ServiceAccountKey,  // OUT/pki/sa.key (or serviceAccountKey)
  Copy,               // a node's copy of a cluster-wide file (CA cert or key, sa.key, ...)
  Leaf,               // a node's certificate + key pair, or kubeconfig
};

struct PlannedFile {
  std::string path;  // the file (a certificate leaf: its .crt; the .key goes with it)
  PlanAction action = PlanAction::Keep;
  std::string reason;  // why it is not kept (mismatch details), or what it is
  std::string spec;    // leaf name ("apiserver"), CA name ("etcd-ca"), or copy ("ca.crt")
  std::string signer;  // CA name of a leaf / CA certificate; "" for keys and plain copies
  PlannedKind kind = PlannedKind::Leaf;
  std::string node;       // the node directory's node; "" for cluster-wide files under OUT/pki
  bool keep_key = false;  // a certificate leaf whose key on disk is kept and certified anew
  // keep_key for a key kpki has no record of issuing for this file, certified because the user
  // said so for this run (init --adopt-keys)
  bool adopt_key = false;
};

// A CA key behind its caKeys URI: used as it is, or generated (on a token or as a file).
struct PlannedKey {
  std::string ca;                        // "ca", "etcd-ca", "front-proxy-ca"
  std::string uri;                       // redacted (no pin-value)
  PlanAction action = PlanAction::Keep;  // Keep: use the existing key; Create: generate it
  std::string algorithm;                 // of a key to generate
};

struct PlanCounts {
  int created = 0;
  int kept = 0;
  int replaced = 0;
  int mismatched = 0;
  int removed = 0;
  int skipped = 0;
};

struct Plan {
  std::string operation;  // "init" or "renew"
  std::string root;       // OUT (init) or the node directory (renew): paths are shown under it
  std::vector<PlannedKey> ca_keys;
  std::vector<PlannedFile> files;

  bool has_mismatch() const;
  PlanCounts counts() const;
};

}  // namespace kpki::kube
