#include "core/kubernetes/rotate/provenance.h"

#include "core/kubernetes/tree/cluster_cas.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki::kube {

namespace {

bool signed_by_root_or_self(const ClusterConfig& config, const Certificate& cert) {
  if (!config.root_ca.present()) return signed_by(cert, cert);
  return signed_by(cert, read_root_ca(config).front());
}

// A CA kpki did not make (adopted from kubeadm under OUT/pki) has no record, and an intermediate
// has its record in the root's ledger: its certificate is then the one whose key the config
// names, self-signed or signed by the config's rootCA.
bool belongs_to_config_key(const ClusterConfig& config, const RotateOptions& options,
                           const RotationContext& ctx, const KeyRegistry& registry,
                           const Certificate& old_cert) {
  std::string uri = ca_key_uri(config, *ctx.spec, options.out_dir);
  KeyManager& manager = registry.manager_for(uri);
  if (!manager.exists(uri, options.ca_key_options)) return false;
  auto signer = manager.open(uri, options.ca_key_options);
  return old_cert.is_ca() && old_cert.public_key_der() == signer->public_key_der() &&
         signed_by_root_or_self(config, old_cert);
}

// Under a rootCA, the new intermediate is recorded in the root's ledger: it is begin's when the
// root signed it for the new key.
bool new_cert_from_root(const ClusterConfig& config, const RotationContext& ctx) {
  return config.root_ca.present() && ctx.new_cert && ctx.new_signer &&
         ctx.new_cert->public_key_der() == ctx.new_signer->public_key_der() &&
         signed_by(*ctx.new_cert, read_root_ca(config).front());
}

}  // namespace

void check_rotation_record(const ClusterConfig& config, const RotateOptions& options,
                           const RotationContext& ctx, const KeyRegistry& registry,
                           IssuedKeys& issued) {
  const std::string record = rotation_state_path(options.out_dir, ctx.spec->name);
  const std::string ca_path = options.out_dir + "/" + ctx.spec->base_path + ".crt";
  Certificate old_cert = Certificate::from_pem(ctx.state.old_cert_pem, record + ": oldCertificate");
  bool old_known =
      issued.recorded(old_cert) ||
      (!issued.any_for(ca_path) && belongs_to_config_key(config, options, ctx, registry, old_cert));
  if (!old_known)
    throw Error(ErrorCode::InvalidInput,
                "'" + record + "': oldCertificate (serial " + old_cert.serial_hex() + ", " +
                    subject_to_string(old_cert.subject()) + ") is not the " + ctx.spec->name +
                    " certificate kpki recorded (" + issued.absent() + ")");
  if (!ctx.new_cert || !(issued.recorded(*ctx.new_cert) || new_cert_from_root(config, ctx)))
    throw Error(ErrorCode::InvalidInput, "'" + record + "': the new " + ctx.spec->name +
                                             " certificate is not the one begin recorded (" +
                                             issued.absent() + ")");
}

void check_reissued_key(const std::string& path, const LeafSpec& spec, const Bytes& public_key_der,
                        IssuedKeys& issued) {
  if (issued.issued_for(path, public_key_der, &spec.subject)) return;
  throw Error(ErrorCode::InvalidInput, "'" + path + "': its key is not one kpki issued for " +
                                           subject_to_string(spec.subject) + " in this file (" +
                                           issued.absent() +
                                           "): reissue certifies only recorded keys");
}

}  // namespace kpki::kube
