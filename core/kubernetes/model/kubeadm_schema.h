#pragma once
// kubeadm.k8s.io/v1beta4's fields, every level of InitConfiguration and ClusterConfiguration
// (kubernetes/kubernetes cmd/kubeadm/app/apis/kubeadm/v1beta4/types.go). kubeadm's strict decoder
// (util/config/strict) reports a field v1beta4 lacks ("certSANS") and goes on; kpki refuses it,
// with its path and the nearest valid names, wherever it is nested: a typo kpki let through would
// issue certificates without what was meant.
#include <yaml-cpp/yaml.h>

#include <string>

namespace kpki::kube {

// Throws InvalidInput "origin: Kind.path.to.field: unknown field (did you mean ...)" for the first
// unknown or repeated key, or a value of the wrong shape (a list where a mapping goes).
// `kind` is one of kubeadm's v1beta4 kinds (Init, Cluster, Join, Reset, UpgradeConfiguration).
void check_kubeadm_fields(const YAML::Node& document, const std::string& kind,
                          const std::string& origin);

// The v1beta4 kinds kubeadm reads; a kubeadm.k8s.io document of another kind is refused.
bool is_kubeadm_kind(const std::string& kind);
std::string kubeadm_kind_suggestion(const std::string& kind);  // " (did you mean ...)" or ""

}  // namespace kpki::kube
