// read_rotation: the state a rotation phase starts from (rotate.h).
#include <filesystem>

#include "core/fs/file_io.h"
#include "core/keys/key_capabilities.h"
#include "core/keys/key_registry.h"
#include "core/kubernetes/rotate/files.h"
#include "core/kubernetes/rotate/rotate.h"
#include "core/kubernetes/tree/cluster_cas.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki::kube {

namespace {

const CaSpec& ca_named(const std::string& name) {
  for (const CaSpec& spec : ca_specs()) {
    if (spec.name == name) return spec;
  }
  throw Error(ErrorCode::InvalidInput,
              "'" + name + "' is not a CA of the cluster (expected ca, etcd-ca, front-proxy-ca)");
}

// Something at `uri` already: a key, or for a token any object with its label (half a pair too).
bool key_uri_occupied(const KeyRegistry& registry, const std::string& uri,
                      const KeyOptions& options) {
  if (auto* recovery = registry.find_capability<PartialKeyRecovery>(uri))
    return recovery->occupied(uri, options);
  return registry.manager_for(uri).exists(uri, options);
}

// A new rotation: the old key and certificate as init left them, and a new key URI nobody uses.
RotationState start_rotation(const ClusterConfig& config, const RotateOptions& options,
                             const CaSpec& spec, const KeyRegistry& registry, int number) {
  RotationState state;
  state.ca = spec.name;
  state.old_key_uri = ca_key_uri(config, spec, options.out_dir);
  std::string cert_path = options.out_dir + "/" + spec.base_path + ".crt";
  KeyManager& old_manager = registry.manager_for(state.old_key_uri);
  if (!old_manager.exists(state.old_key_uri, options.ca_key_options))
    throw Error(ErrorCode::NotFound, "CA key '" + redact_key_uri(state.old_key_uri) + "' of " +
                                         spec.name +
                                         " does not exist: rotate a CA that kpki init has made");
  auto old_signer = old_manager.open(state.old_key_uri, options.ca_key_options);
  Certificate old_cert = first_certificate(cert_path);
  if (!old_cert.is_ca() || old_cert.public_key_der() != old_signer->public_key_der())
    throw Error(ErrorCode::InvalidInput, "'" + cert_path + "' does not belong to CA key '" +
                                             redact_key_uri(state.old_key_uri) + "'");
  state.old_cert_pem = old_cert.pem();
  // A label or directory left by something else is skipped, never reused.
  for (int n = number; n < number + 100; ++n) {
    state.number = n;
    state.new_key_uri =
        rotated_key_uri(state.old_key_uri, n, rotation_files_dir(options.out_dir, state), registry);
    const std::string dir = rotation_files_dir(options.out_dir, state);
    if (!key_uri_occupied(registry, state.new_key_uri, options.ca_key_options) &&
        (!file_exists(dir) || std::filesystem::is_empty(dir)))
      return state;
  }
  throw Error(ErrorCode::AlreadyExists, "no free key URI for the new " + spec.name +
                                            " key after '" + redact_key_uri(state.new_key_uri) +
                                            "'");
}

}  // namespace

RotationContext read_rotation(const ClusterConfig& config, const RotateOptions& options,
                              const KeyRegistry& registry) {
  RotationContext ctx;
  ctx.spec = &ca_named(options.ca);
  // Under a rootCA the new CA is an intermediate it signs (begin), and the trust files carry the
  // root after the CAs (ca_chain.h).
  for (const Certificate& cert : read_root_ca(config)) {
    ctx.above_pem += cert.pem();
    if (!self_signed(cert)) ctx.above_chain_pem += cert.pem();
  }
  std::optional<RotationState> saved = load_rotation_state(options.out_dir, options.ca);
  check_rotation_order(saved, options.ca, options.phase);
  bool fresh =
      options.phase == RotationPhase::Begin &&
      (!saved || (saved->done == RotationPhase::Finish && saved->running == RotationPhase::None));
  if (fresh) {
    ctx.state = start_rotation(config, options, *ctx.spec, registry, saved ? saved->number + 1 : 1);
  } else {
    ctx.state = *saved;
    ctx.state_saved = true;
  }
  ctx.new_cert_path = rotation_files_dir(options.out_dir, ctx.state) + "/new.crt";
  KeyManager& manager = registry.manager_for(ctx.state.new_key_uri);
  if (manager.exists(ctx.state.new_key_uri, options.ca_key_options)) {
    try {
      ctx.new_signer = manager.open(ctx.state.new_key_uri, options.ca_key_options);
    } catch (const Error& e) {
      // Half a key pair (a private key without its public key object) from a begin killed
      // while the token made it: apply removes it and makes the key again.
      if (!ctx.resumed_begin() || e.code() != ErrorCode::NotFound) throw;
    }
  }
  if (!ctx.state.new_cert_pem.empty()) {
    ctx.new_cert = Certificate::from_pem(ctx.state.new_cert_pem,
                                         rotation_state_path(options.out_dir, options.ca));
  } else if (file_exists(ctx.new_cert_path)) {
    ctx.new_cert = first_certificate(ctx.new_cert_path);
  }
  // A certificate from a run killed before its key was kept is made again.
  if (ctx.new_cert &&
      (!ctx.new_signer || ctx.new_cert->public_key_der() != ctx.new_signer->public_key_der()))
    ctx.new_cert.reset();
  if (ctx.new_cert) ctx.state.new_cert_pem = ctx.new_cert->pem();
  if (options.phase != RotationPhase::Begin && (!ctx.new_signer || !ctx.new_cert))
    throw Error(ErrorCode::NotFound, "the new " + options.ca + " key '" +
                                         redact_key_uri(ctx.state.new_key_uri) +
                                         "' or its certificate is gone");
  return ctx;
}

void refuse_rotated_out_keys(const ClusterConfig& config, const std::string& out_dir,
                             const KeyRegistry& registry) {
  for (const CaSpec& spec : ca_specs()) {
    std::optional<RotationState> state = load_rotation_state(out_dir, spec.name);
    if (!state || state->done != RotationPhase::Finish) continue;
    std::string uri = ca_key_uri(config, spec, out_dir);
    // A file key is replaced in place at finish: its path stays the CA key.
    if (registry.scheme_for(uri).key_file(uri) || uri != state->old_key_uri) continue;
    throw Error(ErrorCode::InvalidInput, config.source + ": caKeys." + spec.name + " '" +
                                             redact_key_uri(uri) + "' is the key rotated out by '" +
                                             rotation_state_path(out_dir, spec.name) + "'; the " +
                                             spec.name + " key is now '" +
                                             redact_key_uri(state->new_key_uri) + "'");
  }
}

}  // namespace kpki::kube
