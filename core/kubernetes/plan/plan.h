#pragma once
// What `kpki init`, `kpki certs renew`, `kpki ca rotate` and `kpki ca import` will do (or did), as
// a value: one entry per CA key and per file with its action, the reason, the table row it comes
// from and its signer. Planning reads the config,
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

// A CA key behind its caKeys URI: used as it is, generated (on a token or as a file), or imported
// onto a token (ca import: `source` is set).
struct PlannedKey {
  std::string ca;   // "ca", "etcd-ca", "front-proxy-ca" ("key": ca import of one key)
  std::string uri;  // redacted (no pin-value)
  // Keep: use the existing key (ca import: already on the token); Create: generate it (ca
  // import: import it)
  PlanAction action = PlanAction::Keep;
  std::string algorithm;  // of a key to generate or import
  // (Initialised here so that the entries of init, renew and rotate may leave them out.)
  std::string source{};       // ca import: the key as it is now (redacted); else ""
  std::string certificate{};  // ca import: the CA certificate the token key must match; else ""
};

// "use", "generate" or "import" (the JSON spelling).
const char* key_action_name(const PlannedKey& key);

struct PlanCounts {
  int created = 0;
  int kept = 0;
  int replaced = 0;
  int mismatched = 0;
  int removed = 0;
  int skipped = 0;
  void add(PlanAction action);  // one more file with that action
};

struct Plan {
  std::string operation;  // "init", "renew", "ca rotate <ca> <phase>", "ca import"
  // OUT (init, rotate, a tree's import), the node directory (renew), "" (one key's import):
  // paths are shown under it
  std::string root;
  std::vector<PlannedKey> ca_keys;
  std::vector<PlannedFile> files;
  // init, renew: the Kubernetes version whose kubeadm the files follow; the tree's version before
  // the run when the run moves it to another ("" otherwise). (Initialised for aggregate users.)
  std::string kubernetes_version{};
  std::string previous_kubernetes_version{};

  bool has_mismatch() const;
  PlanCounts counts() const;
};

// `plan` without its keys and files: what applying it starts its report from.
Plan plan_header(const Plan& plan);

}  // namespace kpki::kube
