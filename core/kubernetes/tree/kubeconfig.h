#pragma once
// Kubeconfig files as kubeadm writes them: one cluster, one user, one context
// (`<user>@<cluster>`, also current-context), CA / client cert / client key embedded as base64
// PEM. Written and read with yaml-cpp.
#include <string>
#include <string_view>

namespace kpki::kube {

struct Kubeconfig {
  std::string cluster_name;
  std::string server;
  std::string user;
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
};

std::string render_kubeconfig(const Kubeconfig& config);

// Reads the current context's cluster and user. Throws InvalidInput naming `origin` when the
// file is not a kubeconfig with embedded credentials.
Kubeconfig parse_kubeconfig(const std::string& text, const std::string& origin);
// The same for a kubeconfig still waiting for its certificates (`certs generate-csr`, kubeadm's
// `certs generate-csr` omits the fields): an absent or empty certificate-authority-data,
// client-certificate-data or client-key-data is read as "".
Kubeconfig parse_partial_kubeconfig(const std::string& text, const std::string& origin);

// The client-certificate-data value of a kubeconfig's text, quoted or not, found without parsing
// (for matching a file against certificates); empty when there is none.
std::string_view client_certificate_data_of(std::string_view text);

std::string base64_encode(const std::string& data);
// Throws InvalidInput naming `what` on malformed input.
std::string base64_decode(const std::string& text, const std::string& what);

}  // namespace kpki::kube
