#pragma once
// Every certificate held in the files under a directory, as `kpki ledger rebuild` recovers them:
// PEM certificates (each block of a bundle) and the client certificates embedded in kubeconfigs.
#include <string>
#include <vector>

#include "core/x509/certificate.h"

namespace kpki::kube {

struct FoundCertificate {
  Certificate certificate;
  std::vector<std::string> files;  // absolute paths of the files holding it, sorted
};

// Walks `dir` (symbolic links are neither followed nor read; files over 1 MiB and ledger files
// are skipped; a file that does not parse is skipped). Each distinct certificate once.
std::vector<FoundCertificate> certificates_under(const std::string& dir);

}  // namespace kpki::kube
