#pragma once
// The KubeInit fixture: a 1 CP + 1 worker cluster initialised through the core API into a temp
// directory, with file helpers (kube_init_test.cpp, kube_init_day2_test.cpp).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/fs/file_io.h"
#include "core/kubernetes/init/init.h"
#include "core/kubernetes/plan/plan_output.h"
#include "core/kubernetes/renew/renew.h"
#include "core/kubernetes/tree/expiration.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/ledger/ledger.h"
#include "core/util/error.h"
#include "tests/support/error_of.h"
#include "tests/support/test_keys.h"
#include "tests/support/tree_records.h"

namespace kpki::kube::testing_init {

namespace fs = std::filesystem;
using testing::error_of;

inline std::string cluster_yaml(const std::string& extra_sans = "") {
  return "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nencryptionAlgorithm: ECDSA-P256\n"
         "apiServer: {certSANs: [k8s.example.com" +
         extra_sans +
         "]}\n"
         "nodes:\n  - {name: cp1, address: 127.0.0.1}\n"
         "  - {name: w1, address: 10.0.0.21, role: worker}\n";
}

class KubeInit : public ::testing::Test {
 protected:
  ClusterConfig config(const std::string& extra = "") {
    return parse_cluster_config(cluster_yaml(extra), "cluster.yaml", dir_.path(), key_registry());
  }
  PlanCounts init(const ClusterConfig& c, bool force = false, bool dry_run = false) {
    InitOptions options;
    options.out_dir = out();
    options.force = force;
    options.dry_run = dry_run;
    options.ledger = ledger_.get();
    options.adopt_keys = adopt_keys_;
    std::ostringstream log;
    try {
      PlanCounts s = run_init(c, options, key_registry(), keys_, log);
      last_log_ = log.str();
      return s;
    } catch (...) {
      last_log_ = log.str();
      throw;
    }
  }
  std::string out() const { return dir_.path() + "/out"; }
  std::string cp1() const { return out() + "/nodes/cp1"; }
  std::string w1() const { return out() + "/nodes/w1"; }

  // Every regular file under `root` with its mtime (ns) and content.
  std::map<std::string, std::pair<long long, std::string>> snapshot(const std::string& root) {
    std::map<std::string, std::pair<long long, std::string>> files;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file()) continue;
      struct stat st {};
      ::stat(e.path().c_str(), &st);
      files[e.path().string()] = {st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
                                  read_text_file(e.path().string())};
    }
    return files;
  }

  // The ledger init's journal would have filled: every certificate of the tree as it is now.
  void record_tree() {
    if (!ledger_) ledger_ = ledger::open_ledger(dir_.path() + "/ledger.db");
    testing::TreeRecorder(*ledger_).record_new(out());
  }

  testing::TempDir dir_;
  const LeafKeySource& keys_ = leaf_key_source(LeafKeyLibrary::OpenSsl);
  std::string last_log_;
  std::unique_ptr<ledger::Ledger> ledger_;
  bool adopt_keys_ = false;
};

inline std::set<std::string> files_under(const std::string& root) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out.insert(fs::relative(e.path(), root).string());
  return out;
}

inline mode_t mode_of(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

}  // namespace kpki::kube::testing_init
