#include "core/kubernetes/plan/plan_output.h"

#include <iomanip>
#include <sstream>

#include "core/util/output_document.h"

namespace kpki::kube {

namespace {

std::string under_root(const Plan& plan, const std::string& path) {
  const std::string prefix = plan.root + "/";
  return !plan.root.empty() && path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : path;
}

std::string verb(PlanAction action, bool dry_run) {
  if (action == PlanAction::Mismatch) return "MISMATCH";
  std::string name = plan_action_name(action);
  bool changes =
      action == PlanAction::Create || action == PlanAction::Replace || action == PlanAction::Remove;
  return dry_run && changes ? "would " + name : name;
}

// The .key beside a leaf's .crt.
std::string leaf_key_path(const PlannedFile& file) {
  const std::string crt = ".crt";
  bool is_crt = file.path.size() > crt.size() &&
                file.path.compare(file.path.size() - crt.size(), crt.size(), crt) == 0;
  return is_crt ? file.path.substr(0, file.path.size() - crt.size()) + ".key" : file.path;
}

// The key file a certificate leaf writes (or keeps) beside its .crt: {"path", "action"}; null for
// every other entry (kubeconfigs embed their key; CA keys are in caKeys).
nlohmann::json leaf_key_json(const PlannedFile& file) {
  const std::string key = leaf_key_path(file);
  if (file.kind != PlannedKind::Leaf || key == file.path) return nullptr;
  const PlanAction action =
      file.keep_key && (file.action == PlanAction::Create || file.action == PlanAction::Replace)
          ? PlanAction::Keep
          : file.action;
  return {{"path", key}, {"action", plan_action_name(action)}};
}

void line(std::ostringstream& out, const std::string& verb, const std::string& path,
          const std::string& detail) {
  // At least one space after a long verb ("would generate key").
  out << std::left << std::setw(16) << verb + " " << path << (detail.empty() ? "" : "  " + detail)
      << "\n";
}

}  // namespace

std::string render_plan_text(const Plan& plan, bool dry_run) {
  std::ostringstream out;
  const std::string would = dry_run ? "would " : "";
  // A run that moves the tree to another Kubernetes version says so first; the files it changes
  // for that reason say what moves.
  if (!plan.previous_kubernetes_version.empty())
    line(out, dry_run ? "would move" : "move",
         "Kubernetes " + plan.previous_kubernetes_version + " -> " + plan.kubernetes_version,
         "files follow kubeadm " + plan.kubernetes_version);
  for (const PlannedKey& key : plan.ca_keys) {
    if (!key.source.empty()) {  // ca import
      const std::string what = key.ca + ": " + under_root(plan, key.source) + " -> " + key.uri;
      if (key.action == PlanAction::Create) {
        line(out, would + "import", what,
             key.algorithm + ", must match " + under_root(plan, key.certificate));
      } else {
        line(out, "keep", what, "already on the token");
      }
    } else if (key.action == PlanAction::Create) {
      line(out, would + "generate key", under_root(plan, key.uri), key.algorithm);
    }
  }
  // A key certified although kpki has no record of issuing it (init --adopt-keys) is shown as
  // such, before the file that certifies it.
  for (const PlannedFile& file : plan.files) {
    if (file.adopt_key)
      line(out, dry_run ? "would adopt key" : "adopt key", under_root(plan, leaf_key_path(file)),
           "certified by " + file.signer + " without a ledger record of it (--adopt-keys)");
    line(out, verb(file.action, dry_run), under_root(plan, file.path), file.reason);
  }
  return out.str();
}

nlohmann::json plan_json(const Plan& plan, bool dry_run) {
  nlohmann::json keys = nlohmann::json::array();
  for (const PlannedKey& key : plan.ca_keys) {
    keys.push_back({{"ca", key.ca},
                    {"uri", key.uri},
                    {"action", key_action_name(key)},
                    {"algorithm", key.algorithm},
                    {"source", key.source},
                    {"certificate", key.certificate}});
  }
  nlohmann::json files = nlohmann::json::array();
  for (const PlannedFile& file : plan.files) {
    files.push_back({{"path", file.path},
                     {"action", plan_action_name(file.action)},
                     {"reason", file.reason},
                     {"spec", file.spec},
                     {"signer", file.signer},
                     {"node", file.node},
                     {"adoptKey", file.adopt_key ? nlohmann::json(leaf_key_path(file))
                                                 : nlohmann::json(nullptr)},
                     {"key", leaf_key_json(file)}});
  }
  PlanCounts c = plan.counts();
  return {{"apiVersion", kOutputApiVersion},
          {"kind", "Plan"},
          {"operation", plan.operation},
          {"dryRun", dry_run},
          {"root", plan.root},
          {"kubernetesVersion", plan.kubernetes_version},
          {"previousKubernetesVersion", plan.previous_kubernetes_version.empty()
                                            ? nlohmann::json(nullptr)
                                            : nlohmann::json(plan.previous_kubernetes_version)},
          {"caKeys", keys},
          {"files", files},
          {"summary",
           {{"create", c.created},
            {"keep", c.kept},
            {"replace", c.replaced},
            {"mismatch", c.mismatched},
            {"remove", c.removed},
            {"skip", c.skipped}}}};
}

std::string render_renew_text(const Plan& report) {
  std::ostringstream out;
  if (!report.previous_kubernetes_version.empty())
    out << "moved    Kubernetes " << report.previous_kubernetes_version << " -> "
        << report.kubernetes_version << "\n";
  for (const PlannedFile& file : report.files) {
    std::string rel = under_root(report, file.path);
    if (file.action == PlanAction::Skip) {
      out << "skip     " << file.spec << " (" << rel << " not present)\n";
    } else if (file.action == PlanAction::Replace) {
      out << "renewed  " << file.spec << " (" << rel << "): " << file.reason << "\n";
    }
  }
  return out.str();
}

std::string render_key_import_counts(const Plan& plan) {
  int imports = 0;
  int on_token = 0;
  for (const PlannedKey& key : plan.ca_keys) {
    if (key.source.empty()) continue;
    ++(key.action == PlanAction::Create ? imports : on_token);
  }
  int removals = plan.counts().removed;
  return std::to_string(imports) + " to import, " + std::to_string(on_token) +
         " already on the token, " + std::to_string(removals) +
         (removals == 1 ? " file" : " files") + " to remove";
}

std::string render_plan_counts(const PlanCounts& c) {
  std::string out = std::to_string(c.created) + " created, " + std::to_string(c.replaced) +
                    " replaced, " + std::to_string(c.kept) + " kept, " +
                    std::to_string(c.mismatched) + " mismatching";
  if (c.removed > 0) out += ", " + std::to_string(c.removed) + " removed";
  if (c.skipped > 0) out += ", " + std::to_string(c.skipped) + " skipped";
  return out;
}

}  // namespace kpki::kube
