#include "core/kubernetes/tree/tree_certificates.h"
#include "core/kubernetes/tree/ca_chain.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/fs/file_io.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/util/error.h"
#include "core/x509/pem.h"

namespace kpki::kube {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxFileSize = 1 << 20;

// The certificates one file holds; none when it holds none or does not parse.
std::vector<Certificate> certificates_in(const std::string& path) {
  std::vector<Certificate> out;
  try {
    std::string text = read_text_file(path);
    ByteView bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    if (text.find("-----BEGIN CERTIFICATE-----") != std::string::npos) {
      for (const PemBlock& block : decode_pem(bytes, path))
        if (block.label == "CERTIFICATE") out.push_back(Certificate::from_der(block.der, path));
    } else if (std::string_view data = client_certificate_data_of(text); !data.empty()) {
      out.push_back(first_certificate_of_pem(base64_decode(std::string(data), path), path));
    }
  } catch (const Error&) {
    out.clear();  // not a certificate file after all (or a broken one): nothing to recover
  }
  return out;
}

bool is_ledger_file(const fs::path& path) {
  std::string name = path.filename().string();
  return name.rfind("ledger.db", 0) == 0 || name == "ledger-state.json";
}

}  // namespace

std::vector<FoundCertificate> certificates_under(const std::string& dir) {
  std::map<Bytes, FoundCertificate> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  if (ec) throw Error(ErrorCode::NotFound, "cannot read directory '" + dir + "'", ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw Error(ErrorCode::DeviceError, "cannot read under '" + dir + "'", ec.message());
    const fs::directory_entry& entry = *it;
    if (!entry.is_regular_file(ec) || entry.is_symlink(ec)) continue;
    if (entry.file_size(ec) > kMaxFileSize || is_ledger_file(entry.path())) continue;
    std::string path = fs::absolute(entry.path()).lexically_normal().string();
    for (Certificate& cert : certificates_in(path)) {
      Bytes der = cert.der();
      auto [pos, fresh] = found.try_emplace(der, FoundCertificate{std::move(cert), {}});
      pos->second.files.push_back(path);
    }
  }
  std::vector<FoundCertificate> out;
  for (auto& [der, f] : found) {
    std::sort(f.files.begin(), f.files.end());
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace kpki::kube
