#include "cli/plan_printing.h"

#include <iostream>

#include "cli/cli_support.h"
#include "cli/machine_output.h"
#include "core/kubernetes/plan/plan_output.h"

namespace kpki::cli {

void add_plan_output_flag(CLI::App& cmd, std::string& format) {
  format = "text";
  cmd.add_option("-o,--output", format,
                 "Output format: text (every file up to " + std::to_string(kSummaryNodes) +
                     " nodes, a summary beyond), wide (every file), summary, json, yaml "
                     "(docs/plan.md)")
      ->check(CLI::IsMember({"text", "wide", "summary", "json", "yaml"}));
}

std::string render_plan_lines(const kube::Plan& plan, bool dry_run, const std::string& format) {
  const bool summary =
      format == "summary" || (format == "text" && kube::plan_node_count(plan) > kSummaryNodes);
  return summary ? kube::render_plan_summary(plan, dry_run) : kube::render_plan_text(plan, dry_run);
}

void print_plan(const kube::Plan& plan, bool dry_run, const std::string& format,
                bool announce_dry_run) {
  if (prints_document(format)) {
    print_document(kube::plan_json(plan, dry_run), format);
    return;
  }
  if (announce_dry_run) std::cout << "dry run: nothing is written\n";
  std::cout << render_plan_lines(plan, dry_run, format) << (dry_run ? "plan: " : "")
            << kube::render_plan_counts(plan.counts()) << "\n"
            << std::flush;
}

}  // namespace kpki::cli
