#pragma once
// Field checks shared by both config formats (kpki ClusterPKI and kubeadm v1beta4).
#include <string>
#include <vector>

#include "core/config/yaml_fields.h"
#include "core/kubernetes/model/cluster_config.h"

namespace kpki::kube {

// Each reads `key` from `fields` (when present) into `out`, or fails naming the field.
// The key algorithm: only those kubeadm can load from disk (RSA, ECDSA); checked against the
// config's Kubernetes version by check_algorithm_for_version (so read the version first).
void read_algorithm(const YamlFields& fields, const std::string& key, ClusterConfig& config);
// kubernetesVersion: "1.33", "v1.36.1" (kubeadm_versions.h), refused naming the field.
void read_kubernetes_version(const YamlFields& fields, const std::string& key,
                             ClusterConfig& config);
// An algorithm the config's kubeadm version does not offer: kubeadm input is refused (its
// kubeadm would refuse it); kpki's own config gets a warning (that kubeadm still loads the keys).
void check_algorithm_for_version(ClusterConfig& config);
void read_duration(const YamlFields& fields, const std::string& key, std::chrono::seconds& out);
// A list of extra SANs: each entry an IP or a DNS name.
void read_sans(const YamlFields& fields, const std::string& key, std::vector<std::string>& out);
int read_port(const YamlFields& fields, const std::string& key, int fallback);
bool read_bool(const YamlFields& fields, const std::string& key, bool fallback);
std::string read_ip(const YamlFields& fields, const std::string& key);
std::string read_node_name(const YamlFields& fields, const std::string& key);

// Defaults that depend on other fields (endpoint, service IP), whole-config checks (a stable
// controlPlaneEndpoint with several control-plane nodes).
void finalize_config(ClusterConfig& config, const YamlFields& top,
                     const std::string& endpoint_field, const std::string& subnet_field);

}  // namespace kpki::kube
