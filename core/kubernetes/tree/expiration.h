#pragma once
// `kpki certs check-expiration`: kubeadm's two tables for one node directory (certificates and
// kubeconfigs; then CAs), as data, text and JSON.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/x509/certificate_request.h"

namespace kpki::kube {

struct ExpirationRow {
  std::string name;  // "apiserver", "admin.conf", "ca", ...
  std::string path;  // relative to the node directory
  bool missing = false;
  std::string error;  // unreadable file (then no expiry)
  std::optional<TimePoint> expires;
  std::string ca_name;  // leaves only
  bool externally_managed = false;
};

struct ExpirationReport {
  std::vector<ExpirationRow> certificates;  // sorted by name
  std::vector<ExpirationRow> authorities;
};

// Reads every certificate the node should hold (control-plane or worker, judged by what is there).
ExpirationReport check_expiration(const std::string& node_dir);

// "Jun 06, 2027 15:28 UTC"
std::string format_expiry_date(TimePoint t);
// kubeadm's residual time: "45s", "59m", "23h", "364d", "9y", "<invalid>" when expired.
std::string residual_time(TimePoint expires, TimePoint now);

std::string render_expiration_text(const ExpirationReport& report, TimePoint now);
nlohmann::json expiration_json(const ExpirationReport& report, TimePoint now);

}  // namespace kpki::kube
