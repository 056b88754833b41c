#include "core/kubernetes/model/kubeadm_versions.h"

#include <charconv>
#include <climits>

#include "core/util/error.h"

namespace kpki::kube {

namespace {

constexpr KubernetesVersion kOldest{28, -1};
constexpr KubernetesVersion kNewest{37, -1};

// A version's place in the table: a missing patch is the newest patch of its minor.
std::pair<int, int> order(const KubernetesVersion& v) {
  return {v.minor, v.patch < 0 ? INT_MAX : v.patch};
}

const std::vector<Algorithm> kRsa2048AndP256 = {Algorithm::Rsa2048, Algorithm::EcdsaP256};
const std::vector<Algorithm> kV1beta4Algorithms = {Algorithm::Rsa2048, Algorithm::Rsa3072,
                                                   Algorithm::Rsa4096, Algorithm::EcdsaP256};
const std::vector<Algorithm> kWithP384 = {Algorithm::Rsa2048, Algorithm::Rsa3072,
                                          Algorithm::Rsa4096, Algorithm::EcdsaP256,
                                          Algorithm::EcdsaP384};

constexpr const char* kMasters = "system:masters";
constexpr const char* kClusterAdmins = "kubeadm:cluster-admins";

// Paths are under kubernetes/kubernetes cmd/kubeadm/app/; #N is the kubernetes/kubernetes pull
// request that made the change (the release it shipped in is the row's version).
const std::vector<KubeadmVersionRow> kRows = {
    {{28, 0},
     {false, false, kMasters, kMasters, kMasters, kRsa2048AndP256,
      "phases/certs/certlist.go: O=system:masters on apiserver-kubelet-client, "
      "apiserver-etcd-client, etcd-healthcheck-client; phases/kubeconfig/kubeconfig.go: admin.conf "
      "system:masters, no super-admin.conf; v1beta3 has no encryptionAlgorithm: RSA-2048, or "
      "ECDSA-P256 with feature gate PublicKeysECDSA (features/features.go)"}},
    {{29, 0},
     {false, true, kClusterAdmins, kClusterAdmins, "", kRsa2048AndP256,
      "phases/kubeconfig/kubeconfig.go: admin.conf kubeadm:cluster-admins, super-admin.conf "
      "system:masters (#121305); phases/certs/certlist.go: apiserver-kubelet-client "
      "kubeadm:cluster-admins (#121837), no O on etcd-healthcheck-client (#119859) and "
      "apiserver-etcd-client (#120521)"}},
    {{31, 0},
     {false, true, kClusterAdmins, kClusterAdmins, "", kV1beta4Algorithms,
      "apis/kubeadm/v1beta4 ClusterConfiguration.encryptionAlgorithm RSA-2048|RSA-3072|RSA-4096|"
      "ECDSA-P256 (#120417, #123054; util/pkiutil/pki_helpers.go NewPrivateKey); "
      "features/features.go ControlPlaneKubeletLocalMode alpha, default false (#125582, #125780)"}},
    {{33, 0},
     {true, true, kClusterAdmins, kClusterAdmins, "", kV1beta4Algorithms,
      "features/features.go ControlPlaneKubeletLocalMode beta, default true (#129956): "
      "phases/kubeconfig/kubeconfig.go writes a control plane's kubelet.conf with "
      "GetLocalAPIEndpoint (advertiseAddress:bindPort); cmd/phases/join/kubelet.go the same for a "
      "joining control plane"}},
    {{34, 0},
     {true, true, kClusterAdmins, kClusterAdmins, "", kWithP384,
      "apis/kubeadm/v1beta4 EncryptionAlgorithmECDSAP384, util/pkiutil/pki_helpers.go "
      "NewPrivateKey elliptic.P384 (#131677)"}},
    {{35, 0},
     {true, true, kClusterAdmins, kClusterAdmins, "", kWithP384,
      "features/features.go ControlPlaneKubeletLocalMode GA, locked to true (#134106)"}},
    {{36, 0},
     {true, true, kClusterAdmins, kClusterAdmins, "", kWithP384,
      "features/features.go: ControlPlaneKubeletLocalMode removed, always on (#135773)"}},
    {{36, 1},
     {true, true, kClusterAdmins, "", "", kWithP384,
      "phases/certs/certlist.go: apiserver-kubelet-client without O; "
      "phases/bootstraptoken/node/tlsbootstrap.go AllowAPIServerToAccessKubeletAPI binds its user "
      "to system:kubelet-api-admin (#138957, also in 1.36.1)"}},
};

std::string supported_range() {
  return "kpki knows " + oldest_known_version().text() + " to " + newest_known_version().text();
}

bool parse_number(std::string_view text, int& out) {
  if (text.empty() || text.size() > 4 || (text.size() > 1 && text[0] == '0')) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string KubernetesVersion::text() const {
  return "1." + std::to_string(minor) + (patch >= 0 ? "." + std::to_string(patch) : "");
}

KubernetesVersion parse_kubernetes_version(std::string_view text) {
  const std::string shown = "'" + std::string(text) + "'";
  std::string_view rest = text;
  if (!rest.empty() && rest.front() == 'v') rest.remove_prefix(1);
  KubernetesVersion v;
  size_t dot = rest.find('.');
  size_t second = dot == std::string_view::npos ? dot : rest.find('.', dot + 1);
  int major = 0;
  bool ok =
      dot != std::string_view::npos && parse_number(rest.substr(0, dot), major) &&
      parse_number(rest.substr(dot + 1, second == std::string_view::npos ? std::string_view::npos
                                                                         : second - dot - 1),
                   v.minor);
  if (ok && second != std::string_view::npos) ok = parse_number(rest.substr(second + 1), v.patch);
  if (!ok)
    throw Error(ErrorCode::InvalidInput, "invalid Kubernetes version " + shown +
                                             " (expected 1.MINOR or 1.MINOR.PATCH, e.g. 1.33)");
  if (major != 1 || v.minor < kOldest.minor || v.minor > kNewest.minor)
    throw Error(ErrorCode::Unsupported,
                "unsupported Kubernetes version " + shown + " (" + supported_range() + ")");
  return v;
}

KubernetesVersion oldest_known_version() { return kOldest; }
KubernetesVersion newest_known_version() { return kNewest; }
KubernetesVersion unversioned_tree_version() { return {32, -1}; }

const KubeadmBehaviour& kubeadm_behaviour(const KubernetesVersion& version) {
  const KubeadmVersionRow* found = &kRows.front();
  for (const auto& row : kRows) {
    if (order(row.since) <= order(version)) found = &row;
  }
  return found->behaviour;
}

const std::vector<KubeadmVersionRow>& kubeadm_version_rows() { return kRows; }

std::string algorithm_list(const std::vector<Algorithm>& algorithms) {
  std::string out;
  for (Algorithm alg : algorithms) {
    std::string name(algorithm_name(alg));
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

bool accepts_algorithm(const KubeadmBehaviour& behaviour, Algorithm algorithm) {
  for (Algorithm alg : behaviour.algorithms) {
    if (alg == algorithm) return true;
  }
  return false;
}

}  // namespace kpki::kube
