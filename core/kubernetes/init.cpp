#include "core/kubernetes/init.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/kubernetes/cert_specs.h"
#include "core/kubernetes/cluster_cas.h"
#include "core/kubernetes/leaf_files.h"
#include "core/public_key.h"

namespace kpki::kube {

namespace {

struct PendingLeaf {
  std::string node_dir;
  LeafSpec spec;
  bool replace;
  LeafKey key;  // kept from disk, or generated in issue_pending()
};

struct CopiedFile {
  std::string rel;
  std::string content;
  mode_t mode;
  std::string detail;
};

class InitRun {
 public:
  InitRun(const ClusterConfig& config, const InitOptions& options, const KeyRegistry& registry,
          const LeafKeySource& keys, std::ostream& out)
      : config_(config),
        options_(options),
        registry_(registry),
        keys_(keys),
        log_(out, options.out_dir, options.dry_run) {}

  InitSummary run() {
    const std::string& out = options_.out_dir;
    // Every CA key backend must exist in this build before anything is created.
    for (const CaSpec& spec : ca_specs()) registry_.manager_for(ca_key_uri(config_, spec, out));
    if (!options_.dry_run) make_directories(out + "/pki/etcd", 0700, &created_);
    cas_ = prepare_cluster_cas(config_, out, registry_, options_.ca_key_options, options_.force,
                               log_, created_);
    load_ca_key_files();
    prepare_service_account_key();
    for (const auto& node : config_.nodes) write_node(node);
    issue_pending();
    created_.commit();
    for (const std::string& path : stale_) {
      std::filesystem::remove(path);
      sync_parent_directory(path);
    }
    if (summary_.mismatched > 0 && !options_.dry_run) {
      throw Error(ErrorCode::AlreadyExists,
                  std::to_string(summary_.mismatched) + " file(s) no longer match " +
                      config_.source +
                      " (listed above as MISMATCH); re-run with --force to "
                      "replace them");
    }
    return summary_;
  }

 private:
  void prepare_service_account_key() {
    std::string path = config_.service_account_key.empty() ? options_.out_dir + "/pki/sa.key"
                                                           : config_.service_account_key;
    if (file_exists(path)) {
      sa_key_ = keys_.from_pem(read_text_file(path), path);
      log_.line("keep", path, "service-account key");
    } else {
      sa_key_ = keys_.generate(service_account_algorithm(config_.algorithm));
      log_.line("create", path, "service-account key");
      if (!options_.dry_run)
        write_new_or_replace(path, sa_key_.pem.reveal(), 0600, Overwrite::No, created_);
    }
    sa_pub_ = public_key_pem(sa_key_.signer->public_key_der());
  }

  // File CA keys are copied into every control-plane node: read each once, not once per node.
  void load_ca_key_files() {
    for (size_t i = 0; i < cas_.size(); ++i) {
      const std::string& path = cas_[i].key_file;
      if (!path.empty() && file_exists(path)) ca_key_pems_[i] = Secret(read_text_file(path));
    }
  }

  std::vector<CopiedFile> copies_for(const NodeConfig& node) {
    std::vector<CopiedFile> files;
    auto ca_cert = [&](CaId id, const std::string& rel) {
      const ClusterCa& ca = cas_[static_cast<size_t>(id)];
      files.push_back({rel, ca.authority ? ca.authority->certificate().pem() : std::string(), 0644,
                       ca.spec->name + " certificate"});
    };
    ca_cert(CaId::Kubernetes, "pki/ca.crt");
    files.push_back({kKubeletConfigTls, kubelet_tls_config(), 0644, "KubeletConfiguration TLS"});
    if (!node.control_plane()) return files;
    ca_cert(CaId::Etcd, "pki/etcd/ca.crt");
    ca_cert(CaId::FrontProxy, "pki/front-proxy-ca.crt");
    for (size_t i = 0; i < cas_.size(); ++i) {
      // A CA key leaves its URI only when it is a plain file: a token key never lands in a tree.
      const ClusterCa& ca = cas_[i];
      if (ca.key_file.empty()) continue;
      files.push_back(
          {ca.spec->base_path + ".key", ca_key_pems_[i].reveal(), 0600, ca.spec->name + " key"});
    }
    files.push_back({kServiceAccountKey, sa_key_.pem.reveal(), 0600, "service-account key"});
    files.push_back({kServiceAccountPub, sa_pub_, 0644, "service-account public key"});
    return files;
  }

  void sync_copy(const std::string& node_dir, const CopiedFile& file) {
    std::string path = node_dir + "/" + file.rel;
    bool exists = file_exists(path);
    if (exists && !file.content.empty() && read_text_file(path) == file.content) {
      ++summary_.kept;
      log_.line("keep", path, file.detail);
      return;
    }
    if (exists && !options_.force) {
      ++summary_.mismatched;
      log_.line("MISMATCH", path, file.detail + " differs from the cluster's (use --force)");
      return;
    }
    ++(exists ? summary_.replaced : summary_.created);
    log_.line(exists ? "replace" : "create", path, file.detail);
    if (!options_.dry_run)
      write_new_or_replace(path, file.content, file.mode, exists ? Overwrite::Yes : Overwrite::No,
                           created_);
  }

  void sync_leaf(const std::string& node_dir, const LeafSpec& spec) {
    const ClusterCa& ca = cas_[static_cast<size_t>(spec.ca)];
    const Certificate* ca_cert = ca.authority ? &ca.authority->certificate() : nullptr;
    ExistingLeaf existing = read_leaf(node_dir, spec, keys_);
    std::string shown =
        node_dir + "/" + (spec.kind == LeafKind::Kubeconfig ? spec.path : spec.cert_path());
    std::string detail = subject_to_string(spec.subject) + "  SANs: " + sans_to_string(spec.sans) +
                         "  signer: " + ca.spec->name;
    // A key without its certificate is kept and certified; anything else present is compared.
    bool reuse_key = !existing.cert_present && existing.key && existing.problem.empty();
    bool present = existing.cert_present || (existing.key_present && !reuse_key);
    if (present) {
      std::string reason = leaf_mismatch(existing, spec, ca_cert, config_.cluster_name);
      if (reason.empty()) {
        ++summary_.kept;
        log_.line("keep", shown, spec.name);
        return;
      }
      if (!options_.force) {
        ++summary_.mismatched;
        log_.line("MISMATCH", shown, reason + " (use --force)");
        return;
      }
      detail += "  (was: " + reason + ")";
    }
    ++(present ? summary_.replaced : summary_.created);
    log_.line(present ? "replace" : "create", shown, detail);
    if (options_.dry_run) return;
    PendingLeaf pending{node_dir, spec, present, {}};
    if (reuse_key) pending.key = std::move(*existing.key);
    pending_.push_back(std::move(pending));
  }

  // Key generation (RSA especially) dominates a run: new leaf keys are made on every core at
  // once, then each CA, built once, signs them in order.
  void issue_pending() {
    std::atomic<size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto worker = [&] {
      for (size_t i; (i = next++) < pending_.size();) {
        if (pending_[i].key.signer) continue;
        try {
          pending_[i].key = keys_.generate(config_.algorithm);
        } catch (...) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          if (!failure) failure = std::current_exception();
        }
      }
    };
    size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& thread : pool) thread.join();
    if (failure) std::rethrow_exception(failure);
    for (const PendingLeaf& leaf : pending_) {
      const ClusterCa& ca = cas_[static_cast<size_t>(leaf.spec.ca)];
      Certificate cert = ca.authority->issue(
          leaf_request(leaf.spec, *leaf.key.signer, config_.certificate_validity));
      write_leaf(leaf.node_dir, leaf.spec, cert, leaf.key, ca.authority->certificate(),
                 config_.cluster_name, leaf.replace ? Overwrite::Yes : Overwrite::No, created_);
    }
  }

  void write_node(const NodeConfig& node) {
    std::string node_dir = options_.out_dir + "/nodes/" + node.name;
    if (!options_.dry_run) {
      make_directories(node_dir + (node.control_plane() ? "/pki/etcd" : "/pki"), 0700, &created_);
      make_directories(node_dir + "/kubelet", 0700, &created_);
    }
    for (const CopiedFile& file : copies_for(node)) sync_copy(node_dir, file);
    std::vector<LeafSpec> leaves = leaf_specs(config_, node);
    for (const LeafSpec& spec : leaves) sync_leaf(node_dir, spec);
    check_super_admin_placement(node_dir, leaves);
  }

  // An older kpki wrote super-admin.conf (system:masters) on every control-plane node; kubeadm
  // has it only where `kubeadm init` ran. One the table no longer places is reported, and
  // removed with force (after everything else succeeded).
  void check_super_admin_placement(const std::string& node_dir,
                                   const std::vector<LeafSpec>& leaves) {
    const std::string name = "super-admin.conf";
    std::string path = node_dir + "/" + name;
    bool placed = std::any_of(leaves.begin(), leaves.end(),
                              [&](const LeafSpec& spec) { return spec.name == name; });
    if (placed || !file_exists(path)) return;
    std::string why = "not written on this node: only on the first control-plane node";
    if (!config_.super_admin_kubeconfig) why = "not written on any node (superAdminKubeconfig)";
    if (!options_.force) {
      ++summary_.mismatched;
      log_.line("MISMATCH", path, why + " (use --force to remove it)");
      return;
    }
    ++summary_.removed;
    log_.line("remove", path, why);
    if (!options_.dry_run) stale_.push_back(path);
  }

  const ClusterConfig& config_;
  const InitOptions& options_;
  const KeyRegistry& registry_;
  const LeafKeySource& keys_;
  PlanLog log_;
  CreatedFiles created_;
  std::array<ClusterCa, 3> cas_;
  std::array<Secret, 3> ca_key_pems_;  // contents of the file CA keys, "" for others
  LeafKey sa_key_;
  std::string sa_pub_;
  InitSummary summary_;
  std::vector<PendingLeaf> pending_;
  std::vector<std::string> stale_;  // removed once the run has succeeded
};

}  // namespace

Algorithm service_account_algorithm(Algorithm cluster_algorithm) {
  return cluster_algorithm == Algorithm::Ed25519 ? Algorithm::EcdsaP256 : cluster_algorithm;
}

InitSummary run_init(const ClusterConfig& config, const InitOptions& options,
                     const KeyRegistry& registry, const LeafKeySource& keys, std::ostream& log) {
  InitRun run(config, options, registry, keys, log);
  return run.run();
}

}  // namespace kpki::kube
