#pragma once
// A Plan for people (one line per action, as `kpki init` has always printed it) and for programs
// (the JSON of docs/plan.md).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "core/kubernetes/plan/plan.h"

namespace kpki::kube {

// "<verb> <path under root>  <reason>" per CA key and file; verbs of a dry run read "would ...".
// A key to import reads "import CA: SOURCE -> URI  ALGORITHM, must match CERTIFICATE".
std::string render_plan_text(const Plan& plan, bool dry_run);

// {"operation", "dryRun", "caKeys": [...], "files": [...], "summary": {...}} (docs/plan.md).
nlohmann::json plan_json(const Plan& plan, bool dry_run);

// A renew report as `certs renew` prints it: "renewed  NAME (PATH): serial OLD -> NEW" and
// "skip     NAME (PATH not present)".
std::string render_renew_text(const Plan& report);

// A ca import plan's summary: "3 to import, 0 already on the token, 15 files to remove".
std::string render_key_import_counts(const Plan& plan);

// How many nodes a plan's files belong to.
std::size_t plan_node_count(const Plan& plan);

// A big plan in a few lines (plan_summary.cpp): per node counts (nodes with the same counts on
// one line), the cluster-wide files' counts, the first `max_problems` mismatching files and
// adopted keys as render_plan_text shows them, and a closing line naming the plan's size; the CA
// keys' lines come first, as in render_plan_text.
std::string render_plan_summary(const Plan& plan, bool dry_run, std::size_t max_problems = 10);

// "3 created, 0 replaced, 25 kept, 0 mismatching" (+ ", N removed" / ", N skipped" when any).
std::string render_plan_counts(const PlanCounts& counts);

}  // namespace kpki::kube
