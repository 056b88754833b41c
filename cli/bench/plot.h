#pragma once
// A bar chart of a benchmark report drawn by gnuplot: one group per algorithm x backend, bars for
// kpki's sign rate (1 and N threads), the library's own sign rate and the issuance rate.
#include <string>

#include "cli/bench/bench_model.h"

namespace kpki::bench {

// `path` ends in .svg or .png. Throws InvalidInput for another extension, Unsupported when
// gnuplot is not installed, DeviceError when gnuplot fails.
void plot_report(const BenchReport& report, const std::string& path);

// Shared by the plots: a gnuplot string literal, the `set terminal` for `path` (same errors as
// above), and running `script` (which sets its own output) through gnuplot.
std::string gnuplot_quoted(const std::string& s);
std::string gnuplot_terminal(const std::string& path);
void run_gnuplot(const std::string& script, const std::string& path);

}  // namespace kpki::bench
