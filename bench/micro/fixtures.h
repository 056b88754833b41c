#pragma once
// Keys and requests the micro-benchmarks share: one key file per algorithm (written by OpenSSL,
// opened by every software backend) and the kube-apiserver leaf request kpki bench also uses.
#include <memory>
#include <string>

#include "core/issue/authority.h"
#include "core/keys/signer.h"

namespace kpki::micro {

// "openssl" or "botan" opens the same key file for `algorithm`, once per process (the same Signer
// for every caller and thread); nullptr when the backend is not compiled in.
std::shared_ptr<const Signer> bench_signer(const std::string& backend, Algorithm algorithm);

// A realistic leaf: kube-apiserver with five DNS names and two IPs, a P-256 subject key.
const CertificateRequest& apiserver_request();

// A CA over `signer`, self-signed, valid for a day.
Authority bench_authority(std::shared_ptr<const Signer> signer);

}  // namespace kpki::micro
