#include "core/kubernetes/rotate/provenance.h"

#include "core/kubernetes/tree/cluster_cas.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki::kube {

namespace {

// A CA kpki did not make (adopted from kubeadm under OUT/pki) has no record: its certificate is
// then the one whose key the config names, self-signed, as begin checked it.
bool belongs_to_config_key(const ClusterConfig& config, const RotateOptions& options,
                           const RotationContext& ctx, const KeyRegistry& registry,
                           const Certificate& old_cert) {
  std::string uri = ca_key_uri(config, *ctx.spec, options.out_dir);
  KeyManager& manager = registry.manager_for(uri);
  if (!manager.exists(uri, options.ca_key_options)) return false;
  auto signer = manager.open(uri, options.ca_key_options);
  return old_cert.is_ca() && old_cert.public_key_der() == signer->public_key_der() &&
         signed_by(old_cert, old_cert);
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
  if (!ctx.new_cert || !issued.recorded(*ctx.new_cert))
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
