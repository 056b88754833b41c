// `kpki certs check` output: one line per item and a summary (text), or a CertificateCheck
// document (JSON, docs/ca-lifecycle.md "An external CA").
#include "core/kubernetes/check/tree_check.h"
#include "core/util/display_text.h"

namespace kpki::kube {

std::string_view check_area_name(CheckArea area) {
  switch (area) {
    case CheckArea::Missing:
      return "missing";
    case CheckArea::Unreadable:
      return "unreadable";
    case CheckArea::Identity:
      return "identity";
    case CheckArea::Sans:
      return "sans";
    case CheckArea::Usages:
      return "usages";
    case CheckArea::KeyPair:
      return "keyPair";
    case CheckArea::Chain:
      return "chain";
    case CheckArea::Validity:
      return "validity";
    case CheckArea::FileMode:
      return "fileMode";
    case CheckArea::Kubeconfig:
      return "kubeconfig";
    case CheckArea::Authority:
      return "authority";
  }
  return "unknown";
}

namespace {

const char* trust_text(const TreeCheckReport& report) {
  return report.anchors_given ? "the given CA" : "the tree's own CA certificates";
}

nlohmann::json item_json(const CheckItem& item) {
  return {{"file", item.file},
          {"name", item.name},
          {"check", std::string(check_area_name(item.area))},
          {"message", item.message}};
}

}  // namespace

std::string render_check_text(const TreeCheckReport& report) {
  std::string out;
  for (const auto& item : report.items) {
    out += item.severity == Severity::Finding ? "FINDING  " : "WARNING  ";
    out += item.file + "  " + std::string(check_area_name(item.area)) + ": " + item.message + "\n";
  }
  size_t findings = report.count(Severity::Finding);
  size_t warnings = report.count(Severity::Warning);
  out += report.node + ": ";
  out += findings == 0 ? "clean" : std::to_string(findings) + " finding(s)";
  if (warnings) out += ", " + std::to_string(warnings) + " warning(s)";
  out += "; " + std::to_string(report.files_checked) +
         " file(s) checked against the table, trust: " + trust_text(report) + "\n";
  return out;
}

nlohmann::json check_json(const TreeCheckReport& report) {
  nlohmann::json j = {{"apiVersion", "output.kpki.io/v1alpha1"},
                      {"kind", "CertificateCheck"},
                      {"node", report.node},
                      {"directory", printable(report.node_dir)},
                      {"trust", report.anchors_given ? "given" : "tree"},
                      {"filesChecked", report.files_checked},
                      {"clean", report.clean()},
                      {"findings", nlohmann::json::array()},
                      {"warnings", nlohmann::json::array()}};
  for (const auto& item : report.items)
    j[item.severity == Severity::Finding ? "findings" : "warnings"].push_back(item_json(item));
  return j;
}

}  // namespace kpki::kube
