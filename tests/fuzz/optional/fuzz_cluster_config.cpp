// The cluster config parser (kpki/v1alpha1 ClusterPKI and kubeadm's v1beta4 documents): rejects
// with kpki::Error — never a YAML library exception, never a crash — or yields a config with
// nodes. Built when core/kubernetes exists (tests/fuzz/CMakeLists.txt).
#include "backends/backends.h"
#include "core/kubernetes/model/cluster_config.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kpki::fuzz::expect_only_kpki_errors([&] {
    kpki::kube::ClusterConfig config = kpki::kube::parse_cluster_config(
        kpki::fuzz::text(data, size), "fuzz", "/nonexistent", kpki::key_registry());
    kpki::fuzz::require(!config.nodes.empty(), "accepted a config without nodes");
  });
  return 0;
}
