#pragma once
// Cluster-config tests: the message a config is refused with.
#include <string>

namespace kpki::testing {

// Parses `yaml` as "cluster.yaml" (base dir /cfg) and returns the InvalidInput message; adds a
// test failure when it parses or fails with another code.
std::string config_error_of(const std::string& yaml);

}  // namespace kpki::testing
