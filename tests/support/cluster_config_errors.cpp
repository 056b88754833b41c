#include "tests/support/cluster_config_errors.h"

#include <gtest/gtest.h>

#include "backends/backends.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/util/error.h"

namespace kpki::testing {

std::string config_error_of(const std::string& yaml) {
  try {
    kube::parse_cluster_config(yaml, "cluster.yaml", "/cfg", key_registry());
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput) << e.what();
    return e.message();
  }
  ADD_FAILURE() << "no error for:\n" << yaml;
  return "";
}

}  // namespace kpki::testing
