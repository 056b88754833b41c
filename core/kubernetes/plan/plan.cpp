#include "core/kubernetes/plan/plan.h"

#include <algorithm>

namespace kpki::kube {

const char* plan_action_name(PlanAction action) {
  switch (action) {
    case PlanAction::Create:
      return "create";
    case PlanAction::Keep:
      return "keep";
    case PlanAction::Replace:
      return "replace";
    case PlanAction::Mismatch:
      return "mismatch";
    case PlanAction::Remove:
      return "remove";
    case PlanAction::Skip:
      return "skip";
  }
  return "?";
}

const char* key_action_name(const PlannedKey& key) {
  if (key.action != PlanAction::Create) return "use";
  return key.source.empty() ? "generate" : "import";
}

bool Plan::has_mismatch() const {
  return std::any_of(files.begin(), files.end(),
                     [](const PlannedFile& f) { return f.action == PlanAction::Mismatch; });
}

void PlanCounts::add(PlanAction action) {
  switch (action) {
    case PlanAction::Create:
      ++created;
      break;
    case PlanAction::Keep:
      ++kept;
      break;
    case PlanAction::Replace:
      ++replaced;
      break;
    case PlanAction::Mismatch:
      ++mismatched;
      break;
    case PlanAction::Remove:
      ++removed;
      break;
    case PlanAction::Skip:
      ++skipped;
      break;
  }
}

PlanCounts Plan::counts() const {
  PlanCounts c;
  for (const PlannedFile& f : files) c.add(f.action);
  return c;
}

Plan plan_header(const Plan& plan) {
  Plan header{plan.operation, plan.root, {}, {}};
  header.kubernetes_version = plan.kubernetes_version;
  header.previous_kubernetes_version = plan.previous_kubernetes_version;
  return header;
}

}  // namespace kpki::kube
