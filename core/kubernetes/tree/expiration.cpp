#include "core/kubernetes/tree/expiration.h"
#include "core/util/time_format.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "core/fs/file_io.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/tree/ca_chain.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/util/error.h"
#include "core/util/output_document.h"
#include "core/x509/certificate.h"

namespace kpki::kube {

namespace {

Certificate load_leaf_certificate(const std::string& path, LeafKind kind) {
  if (kind == LeafKind::Certificate) return first_certificate(path);
  Kubeconfig kc = parse_kubeconfig(read_text_file(path), path);
  return first_certificate_of_pem(kc.client_cert_pem, path + ": client-certificate-data");
}

void read_row(ExpirationRow& row, const std::string& full_path, LeafKind kind) {
  if (!file_exists(full_path)) {
    row.missing = true;
    return;
  }
  try {
    row.expires = load_leaf_certificate(full_path, kind).not_after();
  } catch (const Error& e) {
    row.error = e.message();
  }
}

// Rows of a padded table, columns three spaces apart (kubeadm's tabwriter look).
std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 3, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::vector<std::string> cells(const ExpirationRow& row, TimePoint now, bool leaf) {
  std::string managed = row.externally_managed ? "yes" : "no";
  if (row.missing) return {"!MISSING! " + row.name};
  if (!row.error.empty()) return {"!INVALID! " + row.name + " (" + row.error + ")"};
  std::vector<std::string> out = {row.name, format_expiry_date(*row.expires),
                                  residual_time(*row.expires, now)};
  if (leaf) out.push_back(row.ca_name);
  out.push_back(managed);
  return out;
}

nlohmann::json row_json(const ExpirationRow& row, TimePoint now, bool leaf) {
  nlohmann::json j = {{"name", row.name},
                      {"path", row.path},
                      {"missing", row.missing},
                      {"externallyManaged", row.externally_managed}};
  if (leaf) j["caName"] = row.ca_name;
  if (!row.error.empty()) j["error"] = row.error;
  if (row.expires) {
    j["expirationDate"] = format_utc(*row.expires, kIsoUtc);
    j["residualTime"] = residual_time(*row.expires, now);
    j["residualSeconds"] =
        std::chrono::duration_cast<std::chrono::seconds>(*row.expires - now).count();
  }
  return j;
}

}  // namespace

std::string format_expiry_date(TimePoint t) { return format_utc(t, "%b %d, %Y %H:%M UTC"); }

std::string residual_time(TimePoint expires, TimePoint now) {
  // apimachinery's ShortHumanDuration, as kubeadm prints it.
  long long seconds = std::chrono::duration_cast<std::chrono::seconds>(expires - now).count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds < 3600) return std::to_string(seconds / 60) + "m";
  long long hours = seconds / 3600;
  if (hours < 24) return std::to_string(hours) + "h";
  if (hours < 24 * 365) return std::to_string(hours / 24) + "d";
  return std::to_string(hours / 24 / 365) + "y";
}

ExpirationReport check_expiration(const std::string& node_dir) {
  if (!file_exists(node_dir))
    throw Error(ErrorCode::NotFound, "node directory '" + node_dir + "' does not exist");
  std::vector<LeafSpec> leaves = known_leaves();
  bool control_plane = file_exists(node_dir + "/pki/etcd/ca.crt") ||
                       file_exists(node_dir + "/pki/front-proxy-ca.crt");
  for (const auto& spec : leaves) {
    std::string rel = spec.kind == LeafKind::Kubeconfig ? spec.path : spec.cert_path();
    if (spec.control_plane_only && file_exists(node_dir + "/" + rel)) control_plane = true;
  }
  ExpirationReport report;
  std::set<std::string> shown_above;  // fingerprints of the chain certificates listed
  for (const auto& spec : ca_specs()) {
    if (!control_plane && spec.id != CaId::Kubernetes) continue;
    ExpirationRow row;
    row.name = spec.name;
    row.path = spec.base_path + ".crt";
    // During a CA rotation (kpki ca rotate) the file holds old + new: both are shown.
    std::vector<Certificate> bundle;
    if (!(row.missing = !file_exists(node_dir + "/" + row.path))) {
      try {
        bundle = Certificate::load_bundle(node_dir + "/" + row.path);
        if (bundle.empty()) throw Error(ErrorCode::InvalidInput, "'" + row.path + "': empty");
        row.expires = bundle[0].not_after();
      } catch (const Error& e) {
        row.error = e.message();
      }
    }
    // kubeadm's "external CA" mode: the certificate is here, its key is not.
    row.externally_managed = !row.missing && !file_exists(node_dir + "/" + spec.base_path + ".key");
    report.authorities.push_back(row);
    // Under an offline root the file holds the chain above the CA too (ca_chain.h): each
    // certificate of it is listed once, however many CA files carry it.
    std::vector<Certificate> above;
    if (!bundle.empty()) above = chain_above(bundle[0], bundle);
    for (size_t i = 1; i < bundle.size(); ++i) {
      ExpirationRow next = row;
      next.expires = bundle[i].not_after();
      bool in_chain = std::any_of(above.begin(), above.end(),
                                  [&](const Certificate& c) { return c.der() == bundle[i].der(); });
      if (!in_chain) {
        next.name = spec.name + " (new)";
      } else {
        next.name = std::string(self_signed(bundle[i]) ? "root" : "intermediate") + " (" +
                    bundle[i].subject().common_name + ")";
        next.externally_managed = true;  // its key is never in the tree
        if (!shown_above.insert(bundle[i].fingerprint_sha256()).second) continue;
      }
      report.authorities.push_back(next);
    }
  }
  for (const auto& spec : leaves) {
    if (spec.control_plane_only && !control_plane) continue;
    ExpirationRow row;
    row.name = spec.name;
    row.path = spec.kind == LeafKind::Kubeconfig ? spec.path : spec.cert_path();
    row.ca_name = ca_spec(spec.ca).name;
    read_row(row, node_dir + "/" + row.path, spec.kind);
    if (row.missing && spec.first_control_plane_only) continue;  // absent by design elsewhere
    for (const auto& ca : report.authorities) {
      if (ca.name == row.ca_name) row.externally_managed = ca.externally_managed;
    }
    report.certificates.push_back(row);
  }
  std::sort(report.certificates.begin(), report.certificates.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return report;
}

std::string render_expiration_text(const ExpirationReport& report, TimePoint now) {
  std::vector<std::vector<std::string>> leaves = {
      {"CERTIFICATE", "EXPIRES", "RESIDUAL TIME", "CERTIFICATE AUTHORITY", "EXTERNALLY MANAGED"}};
  for (const auto& row : report.certificates) leaves.push_back(cells(row, now, true));
  std::vector<std::vector<std::string>> cas = {
      {"CERTIFICATE AUTHORITY", "EXPIRES", "RESIDUAL TIME", "EXTERNALLY MANAGED"}};
  for (const auto& row : report.authorities) cas.push_back(cells(row, now, false));
  return table(leaves) + "\n" + table(cas);
}

nlohmann::json expiration_json(const ExpirationReport& report, TimePoint now) {
  nlohmann::json j = {{"kind", "CertificateExpirationInfo"},
                      {"apiVersion", kOutputApiVersion},
                      {"certificates", nlohmann::json::array()},
                      {"certificateAuthorities", nlohmann::json::array()}};
  for (const auto& row : report.certificates) j["certificates"].push_back(row_json(row, now, true));
  for (const auto& row : report.authorities)
    j["certificateAuthorities"].push_back(row_json(row, now, false));
  return j;
}

}  // namespace kpki::kube
