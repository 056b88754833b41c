#include "cli/bench/report.h"
#include "core/util/output_document.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace kpki::bench {

namespace {

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string optional_fixed(const std::optional<double>& value, int decimals) {
  return value ? fixed(*value, decimals) : "-";
}

// No fractions above 100/s: run-to-run noise is larger than that.
std::string rate(double per_second) {
  return per_second >= 100 ? fixed(per_second, 0) : fixed(per_second, 1);
}

using Table = std::vector<std::vector<std::string>>;

std::string align(const Table& table) {
  std::vector<size_t> widths;
  for (const auto& row : table) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::ostringstream out;
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) {
      // Names left-aligned, figures right-aligned.
      std::string pad(widths[i] - row[i].size(), ' ');
      out << (i < 2 ? row[i] + pad : pad + row[i]) << (i + 1 < row.size() ? "  " : "\n");
    }
  }
  return out.str();
}

}  // namespace

std::string render_table(const BenchReport& report) {
  int threads = report.rows.empty() ? report.options.threads : report.rows.front().threads;
  Table table = {{"algorithm", "backend", "keygen ms", "sign/s 1t",
                  "sign/s " + std::to_string(threads) + "t", "lib sign/s", "ratio", "sign p50 us",
                  "sign p99 us", "issue/s", "bound/s", "ratio", "issue p50 us", "issue p99 us"}};
  for (const auto& row : report.rows) {
    table.push_back(
        {std::string(algorithm_name(row.algorithm)), row.backend, optional_fixed(row.keygen_ms, 1),
         rate(row.sign_1.per_second), rate(row.sign_n.per_second),
         row.reference ? rate(row.reference->per_second) : "-", optional_fixed(row.sign_ratio(), 3),
         fixed(row.sign_1.p50_us, 1), fixed(row.sign_1.p99_us, 1), rate(row.issue.per_second),
         row.issue_bound() ? rate(*row.issue_bound()) : "-", optional_fixed(row.issue_ratio(), 3),
         fixed(row.issue.p50_us, 1), fixed(row.issue.p99_us, 1)});
  }
  std::ostringstream out;
  out << "kpki bench, " << report.date << ", " << report.host << "\n"
      << report.versions << "; " << report.options.duration.count() << " s per measurement\n\n"
      << align(table) << "\n1-thread rates are 1 / median latency; N-thread rates are throughput."
      << "\nlib sign/s: a reference, the raw library's own sign loop (not kpki); ratio (sign): "
         "kpki 1-thread sign rate / that loop, same key, interleaved in the same run."
      << "\nbound: 1 / (1/lib sign + 1/OpenSSL verify), one signature plus one verification; "
         "ratio (issue): issue/s / bound.\n";
  for (const auto& row : report.rows) {
    if (!row.reference_note.empty()) {
      out << row.backend << " " << algorithm_name(row.algorithm) << ": " << row.reference_note
          << "\n";
    }
  }
  return out.str();
}

nlohmann::json report_json(const BenchReport& report) {
  auto rate_json = [](const RateResult& r) {
    return nlohmann::json{{"operations", r.operations},
                          {"seconds", r.seconds},
                          {"perSecond", r.per_second},
                          {"p50Us", r.p50_us},
                          {"p99Us", r.p99_us}};
  };
  auto optional_json = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : report.rows) {
    rows.push_back(
        {{"algorithm", algorithm_name(row.algorithm)},
         {"backend", row.backend},
         {"keygenMs", optional_json(row.keygen_ms)},
         {"sign1Thread", rate_json(row.sign_1)},
         {"signNThreads", rate_json(row.sign_n)},
         {"threads", row.threads},
         {"reference", row.reference ? nlohmann::json{{"name", row.reference_name},
                                                      {"rate", rate_json(*row.reference)}}
                                     : nlohmann::json{{"note", row.reference_note}}},
         {"signRatio", optional_json(row.sign_ratio())},
         {"verifyPerSecond", row.verify_per_second},
         {"issue", rate_json(row.issue)},
         {"issueBoundPerSecond", optional_json(row.issue_bound())},
         {"issueRatio", optional_json(row.issue_ratio())}});
  }
  return {{"apiVersion", kOutputApiVersion},
          {"kind", "BenchReport"},
          {"date", report.date},
          {"host", report.host},
          {"versions", report.versions},
          {"durationSeconds", report.options.duration.count()},
          {"threads", report.options.threads},
          {"rows", rows}};
}

std::string render_csv(const BenchReport& report) {
  std::ostringstream out;
  out << "algorithm,backend,keygen_ms,sign_1t_per_s,sign_nt_per_s,threads,reference,"
         "reference_per_s,sign_ratio,sign_p50_us,sign_p99_us,verify_per_s,issue_per_s,"
         "issue_bound_per_s,issue_ratio,issue_p50_us,issue_p99_us\n";
  auto opt = [](const std::optional<double>& v) { return v ? fixed(*v, 4) : std::string(); };
  for (const auto& row : report.rows) {
    out << algorithm_name(row.algorithm) << ',' << row.backend << ',' << opt(row.keygen_ms) << ','
        << fixed(row.sign_1.per_second, 1) << ',' << fixed(row.sign_n.per_second, 1) << ','
        << row.threads << ',' << row.reference_name << ','
        << (row.reference ? fixed(row.reference->per_second, 1) : "") << ','
        << opt(row.sign_ratio()) << ',' << fixed(row.sign_1.p50_us, 2) << ','
        << fixed(row.sign_1.p99_us, 2) << ',' << fixed(row.verify_per_second, 1) << ','
        << fixed(row.issue.per_second, 1) << ',' << opt(row.issue_bound()) << ','
        << opt(row.issue_ratio()) << ',' << fixed(row.issue.p50_us, 2) << ','
        << fixed(row.issue.p99_us, 2) << '\n';
  }
  return out.str();
}

}  // namespace kpki::bench
