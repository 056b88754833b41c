#include "core/kubernetes/tree/tree_version.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/fs/file_io.h"
#include "core/ledger/ledger_home.h"
#include "core/util/error.h"

namespace kpki::kube {

namespace {

constexpr const char* kRecord = "kpki-tree.json";
constexpr const char* kFormat = "kpki-tree/1";

std::string record_path(const std::filesystem::path& root) {
  return ((root.empty() ? std::filesystem::path(".") : root) / kRecord).string();
}

}  // namespace

std::optional<std::string> tree_root(const std::string& dir) {
  namespace fs = std::filesystem;
  fs::path path = fs::path(dir).lexically_normal();
  if (path.filename().empty()) path = path.parent_path();  // "out/" -> "out"
  struct stat st {};
  if (::lstat(record_path(path).c_str(), &st) == 0) return path.string();
  fs::path nodes = path.parent_path();
  if (nodes.filename() == "nodes" && ::lstat(record_path(nodes.parent_path()).c_str(), &st) == 0)
    return nodes.parent_path().string();
  // A tree from a kpki that kept no record: the ledger's rule says whether it is one.
  ledger::LedgerHome home = ledger::home_of_ca_certificate((path / "pki" / "ca.crt").string());
  if (home.tree) return home.dir.string();
  return std::nullopt;
}

std::optional<KubernetesVersion> tree_kubernetes_version(const std::string& dir) {
  std::optional<std::string> root = tree_root(dir);
  if (!root) return std::nullopt;
  std::string path = record_path(*root);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return unversioned_tree_version();
  // The record decides identities (O=system:masters before 1.29): only the user may write it.
  if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 022) != 0)
    throw Error(ErrorCode::InvalidInput,
                "'" + path + "' is not a regular file of this user that only they may write");
  try {
    nlohmann::json j = nlohmann::json::parse(read_text_file(path));
    if (j.value("format", "") != kFormat) throw Error(ErrorCode::InvalidInput, "format");
    return parse_kubernetes_version(j.at("kubernetesVersion").get<std::string>());
  } catch (const std::exception& e) {
    throw Error(ErrorCode::InvalidInput, "'" + path + "': not a kpki tree record", e.what());
  }
}

void record_tree_kubernetes_version(const std::string& root, const KubernetesVersion& version,
                                    CreatedFiles* created) {
  nlohmann::json j = {{"format", kFormat}, {"kubernetesVersion", version.text()}};
  std::string text = j.dump() + "\n", path = record_path(root);
  const bool exists = file_exists(path);
  // A re-run that changes nothing leaves the tree as it was, the record included.
  if (exists && read_text_file(path) == text) return;
  write_file_atomic(path, text, 0600, Overwrite::Yes);
  if (!exists && created) created->add(path);
}

std::optional<KubernetesVersion> settle_kubernetes_version(ClusterConfig& config,
                                                           const std::string& dir) {
  std::optional<KubernetesVersion> tree = tree_kubernetes_version(dir);
  if (!config.kubernetes_version_given)
    set_kubernetes_version(config, tree.value_or(newest_known_version()));
  return tree;
}

}  // namespace kpki::kube
