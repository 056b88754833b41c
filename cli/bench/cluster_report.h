#pragma once
// The cluster benchmark's report: an aligned table, JSON (same figures), and a plot of the cost
// per certificate against the number of workers.
#include <nlohmann/json.hpp>
#include <string>

#include "cli/bench/cluster_bench.h"

namespace kpki::bench {

std::string render_cluster_table(const ClusterReport& report);
nlohmann::json cluster_report_json(const ClusterReport& report);
// gnuplot: FILE.svg or FILE.png.
void plot_cluster_report(const ClusterReport& report, const std::string& path);

}  // namespace kpki::bench
