#include "core/kubernetes/renew/authorities.h"

#include <filesystem>

#include "core/fs/file_io.h"
#include "core/kubernetes/tree/cluster_cas.h"
#include "core/util/error.h"

namespace kpki::kube {

namespace {

// OUT for a node directory OUT/nodes/NAME that init made; "" for any other directory.
std::string tree_of_node_dir(const std::string& node_dir) {
  std::filesystem::path dir = std::filesystem::path(node_dir).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();
  if (dir.parent_path().filename() != "nodes") return "";
  std::string out = dir.parent_path().parent_path().string();
  return out.empty() ? "." : out;
}

}  // namespace

std::string RenewAuthorities::key_uri(const CaSpec& spec) const {
  const ClusterConfig& config = options_.config;
  const std::string own = ca_key_uri(config, spec, options_.node_dir);
  const std::string tree = tree_of_node_dir(options_.node_dir);
  if (config.ca_keys.count(spec.name) || tree.empty()) return own;
  const std::string in_tree = ca_key_uri(config, spec, tree);
  return file_exists(in_tree) || !file_exists(own) ? in_tree : own;
}

CaFiles RenewAuthorities::files(CaId id) const {
  return ca_files_of_file(options_.node_dir + "/" + ca_spec(id).base_path + ".crt");
}

const Authority& RenewAuthorities::get(CaId id) {
  auto& slot = authorities_[static_cast<size_t>(id)];
  if (slot) return *slot;
  const ClusterConfig& config = options_.config;
  const CaSpec& spec = ca_spec(id);
  std::string cert_path = options_.node_dir + "/" + spec.base_path + ".crt";
  std::string uri = key_uri(spec);
  if (!config.ca_keys.count(spec.name) && !file_exists(uri)) {
    throw Error(ErrorCode::NotFound, "no key for " + spec.name + ": '" + uri + "' is absent and " +
                                         config.source + " sets no caKeys." + spec.name);
  }
  std::shared_ptr<const Signer> signer =
      registry_.manager_for(uri).open(uri, options_.ca_key_options);
  slot = std::make_unique<Authority>(
      first_certificate(cert_path), signer,
      cluster_ca_options(uri, options_.recorder, cert_path, registry_.scheme_of(uri)));
  return *slot;
}

}  // namespace kpki::kube
