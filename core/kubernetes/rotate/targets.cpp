#include "core/kubernetes/rotate/targets.h"

#include <map>

#include "core/fs/file_io.h"
#include "core/keys/key_registry.h"
#include "core/kubernetes/model/ca_keys_config.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki::kube {

PlannedFile planned(const FileTarget& target) {
  PlannedFile file = target.entry;
  bool exists = file_exists(file.path);
  if (target.remove) {
    file.action = exists ? PlanAction::Remove : PlanAction::Keep;
  } else if (exists && !target.content.empty() && read_text_file(file.path) == target.content) {
    file.action = PlanAction::Keep;
  } else {
    file.action = exists ? PlanAction::Replace : PlanAction::Create;
  }
  return file;
}

std::vector<FileTarget> trust_targets(const ClusterConfig& config, const RotateOptions& options,
                                      const RotationContext& ctx, const std::string& trust_pem,
                                      const std::string& what) {
  std::vector<FileTarget> targets;
  for (const TrustFile& trust : trust_files(config, options.out_dir, ctx.spec->id)) {
    FileTarget t{
        {trust.path, PlanAction::Keep, what, trust.rel, "", PlannedKind::Copy, trust.node, false},
        trust_pem.empty() ? "" : trust_content(trust, trust_pem),
        static_cast<mode_t>(trust.kubeconfig ? 0600 : 0644),
        false};
    targets.push_back(std::move(t));
  }
  return targets;
}

FileTarget finish_cert_target(const RotateOptions& options, const RotationContext& ctx) {
  const CaSpec& spec = *ctx.spec;
  return {{options.out_dir + "/" + spec.base_path + ".crt", PlanAction::Keep,
           spec.name + ": the new certificate", spec.name, spec.name, PlannedKind::CaCertificate,
           "", false},
          ctx.new_trust_pem(),
          0644,
          false};
}

std::vector<FileTarget> finish_key_targets(const ClusterConfig& config,
                                           const RotateOptions& options, const RotationContext& ctx,
                                           const KeyRegistry& registry) {
  const RotationState& s = ctx.state;
  const CaSpec& spec = *ctx.spec;
  std::vector<FileTarget> targets;
  auto copy = [&](const std::string& path, const std::string& content, const std::string& what,
                  const std::string& node, bool remove) {
    targets.push_back(
        {{path, PlanAction::Keep, what, spec.name + " key", "", PlannedKind::Copy, node, false},
         content,
         0600,
         remove});
  };
  const std::optional<std::string> old_key_file =
      registry.scheme_for(s.old_key_uri).key_file(s.old_key_uri);
  if (!old_key_file) {
    if (options.destroy_old_key)
      throw Error(ErrorCode::Unsupported, "cannot destroy token key '" +
                                              redact_key_uri(s.old_key_uri) +
                                              "': kpki removes no token object");
    if (options.out_config.empty())
      throw Error(ErrorCode::InvalidInput,
                  "caKeys." + spec.name + " '" + redact_key_uri(s.old_key_uri) +
                      "' is a token key: finish writes the config naming the new key '" +
                      redact_key_uri(s.new_key_uri) + "' to an output config, and none is given");
    std::map<std::string, std::string> new_ca_keys = config.ca_keys;
    new_ca_keys[spec.name] = s.new_key_uri;
    targets.push_back({{options.out_config, PlanAction::Keep,
                        "config with caKeys." + spec.name + " = " + redact_key_uri(s.new_key_uri),
                        "config", "", PlannedKind::Copy, "", false},
                       config_with_ca_keys(config, new_ca_keys, options.out_config, registry),
                       0600,  // a config names keys and PIN files: the owner's alone
                       false});
    return targets;
  }
  const std::string& ca_key_path = *old_key_file;
  const std::optional<std::string> new_key_file =
      registry.scheme_for(s.new_key_uri).key_file(s.new_key_uri);
  if (!new_key_file)
    throw Error(ErrorCode::InvalidInput, "the new " + spec.name + " key '" +
                                             redact_key_uri(s.new_key_uri) + "' is not a file");
  const std::string new_key = read_text_file(*new_key_file);
  const std::string kept = rotation_files_dir(options.out_dir, s) + "/old.key";
  // The old key is saved before the CA key file is overwritten, and only from a file that
  // still holds it.
  if (options.destroy_old_key) {
    copy(kept, "", "the old " + spec.name + " key, destroyed", "", true);
  } else if (file_exists(kept) || read_text_file(ca_key_path) != new_key) {
    copy(kept, file_exists(kept) ? read_text_file(kept) : read_text_file(ca_key_path),
         "the old " + spec.name + " key, kept", "", false);
  }
  copy(ca_key_path, new_key, "the " + spec.name + " key: the new one", "", false);
  if (!registry.scheme_for(s.old_key_uri).copies_key_file()) return targets;
  for (const NodeConfig& node : config.nodes) {
    if (!node.control_plane()) continue;
    copy(options.out_dir + "/nodes/" + node.name + "/" + spec.base_path + ".key", new_key,
         "copy of the new " + spec.name + " key", node.name, false);
  }
  return targets;
}

PlannedFile plan_reissued_leaf(const RotatedLeaf& leaf, const RotationContext& ctx,
                               const LeafKeySource& keys) {
  const LeafSpec& spec = leaf.spec;
  bool kubeconfig = spec.kind == LeafKind::Kubeconfig;
  PlannedFile file{leaf.node_dir + "/" + (kubeconfig ? spec.path : spec.cert_path()),
                   PlanAction::Replace,
                   "",
                   spec.name,
                   ctx.spec->name,
                   PlannedKind::Leaf,
                   leaf.node,
                   true};
  ExistingLeaf existing = read_leaf(leaf.node_dir, spec, keys);
  if (!existing.cert_present) {
    file.action = PlanAction::Skip;
    file.reason = "not present";
    return file;
  }
  const std::string shown = "'" + file.path + "'";
  if (!existing.problem.empty()) throw Error(ErrorCode::InvalidInput, existing.problem);
  if (!existing.cert || !existing.key) throw Error(ErrorCode::NotFound, shown + ": key missing");
  const Certificate& cert = *existing.cert;
  if (std::string reason = identity_mismatch(cert, spec); !reason.empty())
    throw Error(ErrorCode::InvalidInput, shown + ": " + reason);
  if (cert.public_key_der() != existing.key->signer->public_key_der())
    throw Error(ErrorCode::InvalidInput, shown + ": key does not match the certificate");
  Certificate old_ca = Certificate::from_pem(ctx.state.old_cert_pem, "old " + ctx.spec->name);
  bool by_new = signed_by(cert, *ctx.new_cert);
  if (!by_new && !signed_by(cert, old_ca))
    throw Error(ErrorCode::InvalidInput,
                shown + " is signed by neither the old nor the new " + ctx.spec->name);
  bool trust_ok = !kubeconfig || existing.kubeconfig->ca_pem == ctx.bundle_pem() ||
                  existing.kubeconfig->ca_pem == ctx.new_trust_pem();
  if (by_new && trust_ok) {
    file.action = PlanAction::Keep;
    file.reason = "signed by the new " + ctx.spec->name;
  } else {
    file.reason =
        "serial " + cert.serial_hex() + ": re-signed by the new " + ctx.spec->name + ", same key";
  }
  return file;
}

}  // namespace kpki::kube
