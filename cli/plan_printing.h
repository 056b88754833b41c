#pragma once
// How init, certs renew and ca rotate print a plan or a run's report: -o json|yaml the whole Plan
// document (docs/plan.md); text one line per file up to kSummaryNodes nodes and a summary beyond
// (per node counts, the first problems); -o wide every line whatever the size; -o summary the
// summary whatever the size.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>

#include "core/kubernetes/plan/plan.h"

namespace kpki::cli {

// A plan of more nodes than this is summarised in text mode (-o wide lists it whole).
inline constexpr std::size_t kSummaryNodes = 20;

// -o/--output: text (default), wide, summary, json, yaml.
void add_plan_output_flag(CLI::App& cmd, std::string& format);

// The plan's lines (or summary) without the closing counts, as `format` asks.
std::string render_plan_lines(const kube::Plan& plan, bool dry_run, const std::string& format);

// The document (json, yaml), or "dry run: nothing is written" (when `announce_dry_run`), the
// lines or the summary, and "[plan: ]N created, ..." on stdout.
void print_plan(const kube::Plan& plan, bool dry_run, const std::string& format,
                bool announce_dry_run = false);

}  // namespace kpki::cli
