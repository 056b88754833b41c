#include "tests/support/tree_records.h"

#include <filesystem>
#include <map>
#include <vector>

#include "core/fs/file_io.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/x509/certificate.h"
#include "core/x509/pem.h"

namespace kpki::testing {

namespace fs = std::filesystem;

void TreeRecorder::record_new(const std::string& root) {
  std::map<std::string, ledger::IssuanceRecord> found;  // by DER
  auto add = [&](const Certificate& cert, const std::string& path) {
    std::string key(cert.der().begin(), cert.der().end());
    if (recorded_.count(key)) return;
    ledger::IssuanceRecord& r = found[key];
    if (r.der.empty()) {
      r.serial = cert.serial_hex();
      r.subject = subject_to_string(cert.subject());
      r.issuer_key_id = "test-" + std::to_string(next_issuer_++);  // unique: one record each
      r.der = cert.der();
      r.not_before = cert.not_before();
      r.not_after = cert.not_after();
      r.profile = cert.is_ca() ? "ca" : "client";
    }
    r.destinations.push_back(fs::absolute(path).lexically_normal().string());
  };
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const std::string path = e.path().string();
    const std::string ext = e.path().extension().string();
    if (ext == ".crt") {
      for (const PemBlock& block : decode_pem(as_bytes(read_text_file(path)), path))
        if (block.label == "CERTIFICATE") add(Certificate::from_der(block.der, path), path);
    } else if (ext == ".conf") {
      kube::Kubeconfig kc = kube::parse_kubeconfig(read_text_file(path), path);
      add(Certificate::from_pem(kc.client_cert_pem, path), path);
    }
  }
  std::vector<ledger::IssuanceRecord> records;
  for (auto& [der, record] : found) {
    recorded_.insert(der);
    records.push_back(std::move(record));
  }
  if (!records.empty()) ledger_.record(records);
}

}  // namespace kpki::testing
