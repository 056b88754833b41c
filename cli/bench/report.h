#pragma once
// Renders a benchmark report as an aligned table (for people), JSON (for tools) or CSV (for
// spreadsheets and plotting). All three carry the same figures.
#include <nlohmann/json.hpp>
#include <string>

#include "cli/bench/bench_model.h"

namespace kpki::bench {

std::string render_table(const BenchReport& report);
nlohmann::json report_json(const BenchReport& report);
std::string render_csv(const BenchReport& report);

}  // namespace kpki::bench
