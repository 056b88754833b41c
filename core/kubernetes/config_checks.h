#pragma once
// Field checks shared by both config formats (kpki ClusterPKI and kubeadm v1beta4).
#include <string>
#include <vector>

#include "core/kubernetes/cluster_config.h"
#include "core/kubernetes/yaml_fields.h"

namespace kpki::kube {

// Each reads `key` from `fields` (when present) into `out`, or fails naming the field.
void read_algorithm(const YamlFields& fields, const std::string& key, Algorithm& out);
void read_duration(const YamlFields& fields, const std::string& key, std::chrono::seconds& out);
// A list of extra SANs: each entry an IP or a DNS name.
void read_sans(const YamlFields& fields, const std::string& key, std::vector<std::string>& out);
std::string read_ip(const YamlFields& fields, const std::string& key);
std::string read_node_name(const YamlFields& fields, const std::string& key);

// Defaults that depend on other fields (endpoint, service IP), whole-config checks.
void finalize_config(ClusterConfig& config, const YamlFields& top,
                     const std::string& endpoint_field, const std::string& subnet_field);

}  // namespace kpki::kube
