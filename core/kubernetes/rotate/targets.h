#pragma once
// Pieces plan_rotation and apply_rotation share, so both list the same files with the same
// contents: trust files, the leaves to re-sign, and the key files finish replaces.
#include <sys/types.h>

#include <string>
#include <vector>

#include "core/keys/leaf_key_source.h"
#include "core/kubernetes/plan/plan.h"
#include "core/kubernetes/rotate/files.h"
#include "core/kubernetes/rotate/rotate.h"

namespace kpki::kube {

// A file a phase wants to hold `content` (or, with remove, to be gone).
struct FileTarget {
  PlannedFile entry;    // path, reason, spec, node, kind (the action is decided by planned())
  std::string content;  // "" = not known yet (the new CA certificate is still to be made)
  mode_t mode = 0644;
  bool remove = false;
};

// Keep when the file holds the content already; Create, Replace or Remove otherwise.
PlannedFile planned(const FileTarget& target);

// Every trust file of the CA holding `trust_pem`.
std::vector<FileTarget> trust_targets(const ClusterConfig& config, const RotateOptions& options,
                                      const RotationContext& ctx, const std::string& trust_pem,
                                      const std::string& what);

// finish: OUT/pki/<ca>.crt holding the new certificate.
FileTarget finish_cert_target(const RotateOptions& options, const RotationContext& ctx);

// finish: the old file key kept (or removed), the CA key file and each node's copy holding the
// new key; for a key that is no file (its scheme's descriptor says), options.out_config naming
// the new key.
std::vector<FileTarget> finish_key_targets(const ClusterConfig& config,
                                           const RotateOptions& options, const RotationContext& ctx,
                                           const KeyRegistry& registry);

// Keep (signed by the new CA, same key) or Replace (signed by the old one); Skip when absent.
// Throws InvalidInput for a leaf signed by neither, with another identity, or a broken file.
PlannedFile plan_reissued_leaf(const RotatedLeaf& leaf, const RotationContext& ctx,
                               const LeafKeySource& keys);

}  // namespace kpki::kube
