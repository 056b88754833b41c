#include "core/kubernetes/tree/ca_chain.h"

#include "core/fs/file_io.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/util/error.h"
#include "core/x509/pem.h"

namespace kpki::kube {

namespace {

Certificate copy_of(const Certificate& cert) { return Certificate::from_der(cert.der()); }

}  // namespace

bool self_signed(const Certificate& cert) { return signed_by(cert, cert); }

CaFiles ca_files(const Certificate& ca, const std::vector<Certificate>& above) {
  CaFiles files{ca.pem(), ""};
  if (above.empty()) return files;
  files.chain_pem = ca.pem();
  for (const Certificate& cert : above) {
    files.trust_pem += cert.pem();
    if (!self_signed(cert)) files.chain_pem += cert.pem();
  }
  return files;
}

std::vector<Certificate> chain_above(const Certificate& ca, const std::vector<Certificate>& pool) {
  std::vector<Certificate> chain;
  const Certificate* current = &ca;
  // Each step moves to a certificate not yet taken; a pool of N certificates ends in N steps.
  for (size_t step = 0; step < pool.size() && !self_signed(*current); ++step) {
    const Certificate* issuer = nullptr;
    for (const Certificate& candidate : pool) {
      if (candidate.der() == current->der()) continue;
      bool taken = candidate.der() == ca.der();
      for (const Certificate& c : chain) taken = taken || c.der() == candidate.der();
      if (!taken && signed_by(*current, candidate)) {
        issuer = &candidate;
        break;
      }
    }
    if (!issuer) break;
    chain.push_back(copy_of(*issuer));
    current = &chain.back();
  }
  return chain;
}

Certificate first_certificate(const std::string& path) {
  Bytes content = read_file(path);
  std::string text(content.begin(), content.end());
  if (text.find("-----BEGIN ") == std::string::npos) return Certificate::load(path);  // DER: one
  return first_certificate_of_pem(text, path);
}

Certificate first_certificate_of_pem(const std::string& pem, const std::string& origin) {
  std::vector<PemBlock> blocks = decode_pem(as_bytes(pem), origin);
  if (blocks.empty()) throw Error(ErrorCode::InvalidInput, origin + ": no CERTIFICATE block");
  for (const PemBlock& block : blocks) {
    if (block.label != "CERTIFICATE")
      throw Error(ErrorCode::InvalidInput,
                  origin + ": holds a " + block.label + " block among its certificates");
  }
  std::vector<Certificate> certs;
  for (const PemBlock& block : blocks) certs.push_back(Certificate::from_der(block.der, origin));
  // What follows the first certificate must be its chain: a file of unrelated certificates
  // (two CAs, a rotation bundle) is ambiguous about which one is meant.
  if (certs.size() > 1 && chain_above(certs.front(), certs).size() != certs.size() - 1)
    throw Error(ErrorCode::InvalidInput,
                "'" + origin + "' holds " + std::to_string(certs.size()) +
                    " PEM blocks; expected exactly one certificate, or one followed by the "
                    "certificates that issued it");
  return std::move(certs.front());
}

CaFiles ca_files_of_file(const std::string& path) {
  std::vector<Certificate> bundle = Certificate::load_bundle(path);
  if (bundle.empty()) throw Error(ErrorCode::InvalidInput, "'" + path + "' holds no certificate");
  return ca_files(bundle.front(), chain_above(bundle.front(), bundle));
}

}  // namespace kpki::kube
