#include "cli/bench/plot.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "cli/bench/bench_subjects.h"
#include "core/util/error.h"

namespace kpki::bench {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

// gnuplot string literal: single quotes, doubled inside.
std::string gnuplot_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string gnuplot_terminal(const std::string& path) {
  if (ends_with(path, ".svg")) return "svg size 1400,700 dynamic background rgb 'white'";
  if (ends_with(path, ".png")) return "pngcairo size 1400,700";
  throw Error(ErrorCode::InvalidInput, "plot file '" + path + "' must end in .svg or .png");
}

void run_gnuplot(const std::string& script, const std::string& path) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    throw Error(ErrorCode::Unsupported, "--plot needs gnuplot (Debian package gnuplot-nox)");
  }
  std::unique_ptr<FILE, int (*)(FILE*)> gnuplot(popen("gnuplot 2>&1", "w"), pclose);
  if (!gnuplot) throw Error(ErrorCode::DeviceError, "cannot start gnuplot");
  std::fwrite(script.data(), 1, script.size(), gnuplot.get());
  int status = pclose(gnuplot.release());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Error(ErrorCode::DeviceError, "gnuplot could not draw '" + path + "'");
  }
}

void plot_report(const BenchReport& report, const std::string& path) {
  std::string terminal = gnuplot_terminal(path);
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    throw Error(ErrorCode::Unsupported, "--plot needs gnuplot (Debian package gnuplot-nox)");
  }
  // gnuplot reads the figures from a data file; the script goes through its stdin.
  BenchScratch scratch;
  std::string data = scratch.file("bench.dat");
  {
    std::ofstream out(data);
    out << "# label\tsign_1\tsign_n\treference\tissue\n";
    for (const auto& row : report.rows) {
      out << '"' << algorithm_name(row.algorithm) << "\\n"
          << row.backend << "\"\t" << row.sign_1.per_second << '\t' << row.sign_n.per_second << '\t'
          << (row.reference ? row.reference->per_second : 0.0) << '\t' << row.issue.per_second
          << '\n';
    }
  }
  int threads = report.rows.empty() ? report.options.threads : report.rows.front().threads;
  std::string script =
      "set terminal " + terminal + "\n" + "set output " + gnuplot_quoted(path) + "\n" +
      "set title " + gnuplot_quoted("kpki bench, " + report.date + " (" + report.host + ")") +
      " noenhanced\n" +
      "set ylabel 'operations per second (log scale)'\n"
      "set logscale y\nset grid ytics\nset key top right\n"
      "set style data histograms\nset style histogram clustered gap 1\n"
      "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset xtics noenhanced font ',9'\n"
      "set datafile separator '\\t'\n" +
      "plot " + gnuplot_quoted(data) + " using 2:xtic(1) title 'kpki sign, 1 thread', " +
      "'' using 3 title " + gnuplot_quoted("kpki sign, " + std::to_string(threads) + " threads") +
      ", " + "'' using 4 title 'library sign loop, 1 thread', " +
      "'' using 5 title 'kpki issue (build+sign+verify+PEM)'\n";
  run_gnuplot(script, path);
}

}  // namespace kpki::bench
