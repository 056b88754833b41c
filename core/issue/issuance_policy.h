#pragma once
// What an Authority may certify. Every request passes the Authority's policy before anything is
// built or signed; a refusal is a kpki::Error (InvalidInput) naming what was refused.
// - kpki sign: the CSR's names under the name policy (core/policy/csr_name_policy.h).
// - kpki issue, kubeconfig user, ca create: the names are the operator's own flags, given by
//   someone who holds the CA key: trusted_requests().
// - a Kubernetes tree (init, certs renew, ca rotate): the identities of the certificate table,
//   which kpki itself builds from the config (kube::certificate_table_policy()).
#include <memory>

#include "core/x509/certificate_request.h"

namespace kpki {

class IssuancePolicy {
 public:
  virtual ~IssuancePolicy() = default;
  // Throws kpki::Error (InvalidInput) when `request` may not be certified.
  virtual void check(const CertificateRequest& request) const = 0;
};

// Accepts every request: for callers that name the certificate themselves and vouch for it.
std::shared_ptr<const IssuancePolicy> trusted_requests();

}  // namespace kpki
