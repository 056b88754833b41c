#include "cli/bench/cluster_report.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/bench/bench_subjects.h"
#include "cli/bench/plot.h"
#include "core/util/key_uri_display.h"
#include "core/util/output_document.h"

namespace kpki::bench {

namespace {

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

// How many times cfssl's cost per certificate the point's best wall time is.
std::optional<double> speedup(const ClusterReport& report, const ClusterPoint& point) {
  if (!report.cfssl || point.best_ms_per_certificate() <= 0) return std::nullopt;
  return report.cfssl->ms_per_certificate / point.best_ms_per_certificate();
}

// kpki's best wall time over the Go program's: below 1, kpki is faster.
std::optional<double> versus_kubeadm_way(const ClusterPoint& point) {
  if (!point.kubeadm_way || point.kubeadm_way->best_seconds <= 0) return std::nullopt;
  return point.best_seconds / point.kubeadm_way->best_seconds;
}

}  // namespace

std::string render_cluster_table(const ClusterReport& report) {
  std::vector<std::vector<std::string>> table = {
      {"workers", "sessions", "certs", "best s", "median s", "ms/cert", "median ms/cert",
       "cpu ms/cert", "x crypto", "x cfssl (per-process)", "peak RSS MB", "Go best s",
       "Go cpu ms/cert", "Go RSS MB", "kpki/Go wall"}};
  double crypto_ms = report.crypto.total_ms();
  for (const auto& p : report.points) {
    auto faster = speedup(report, p);
    auto versus = versus_kubeadm_way(p);
    const auto& go = p.kubeadm_way;
    table.push_back(
        {std::to_string(p.workers), p.token_sessions ? std::to_string(p.token_sessions) : "-",
         std::to_string(p.certificates), fixed(p.best_seconds, 3), fixed(p.median_seconds, 3),
         fixed(p.best_ms_per_certificate(), 3), fixed(p.median_ms_per_certificate(), 3),
         fixed(p.cpu_ms_per_certificate(), 3), fixed(p.best_ms_per_certificate() / crypto_ms, 1),
         faster ? fixed(*faster, 1) : "-", fixed(p.peak_rss_kb / 1024.0, 1),
         go ? fixed(go->best_seconds, 3) : "-",
         go ? fixed(1000 * go->cpu_seconds / p.certificates, 3) : "-",
         go ? fixed(go->peak_rss_kb / 1024.0, 1) : "-", versus ? fixed(*versus, 2) : "-"});
  }
  // File CAs have no sessions: that column only with CA keys on a token.
  if (report.options.ca_token.empty())
    for (auto& row : table) row.erase(row.begin() + 1);
  std::vector<size_t> widths(table.front().size(), 0);
  for (const auto& row : table)
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  std::ostringstream out;
  out << "kpki bench --cluster, " << report.date << ", " << report.host << "\n"
      << report.versions << "; " << algorithm_name(report.options.algorithm)
      << (report.options.ca_token.empty()
              ? ", file CAs"
              : ", CA keys on " + redact_key_uri(report.options.ca_token))
      << ", 1 control-plane node + N workers, " << report.options.rounds << " round(s) per size, "
      << report.threads << " thread(s)\n\n";
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i)
      out << std::string(widths[i] - row[i].size(), ' ') << row[i]
          << (i + 1 < row.size() ? "  " : "\n");
  }
  out << "\ncrypto per certificate (1 thread, library loops): keygen "
      << fixed(report.crypto.keygen_us, 1) << " us + sign " << fixed(report.crypto.sign_us, 1)
      << " us + verify " << fixed(report.crypto.verify_us, 1) << " us = " << fixed(crypto_ms, 3)
      << " ms\n";
  if (report.cfssl) {
    out << "cfssl: " << fixed(report.cfssl->ms_per_certificate, 3) << " ms per certificate ("
        << report.cfssl->certificates << " x `cfssl gencert`, one process each; "
        << report.cfssl->version << ")\n";
  } else if (!report.cfssl_note.empty()) {
    out << "cfssl: " << report.cfssl_note << "\n";
  }
  out << "kubeadm-way (Go, bench/kubeadm-way, rounds interleaved with kpki's): "
      << (report.kubeadm_way_note.empty() ? "-" : report.kubeadm_way_note) << "\n";
  out << "ms/cert: wall time of the fastest round / certificates; x crypto: that over the crypto "
         "cost per certificate; x cfssl: cfssl's cost per certificate (one process each) over "
         "kpki's; Go: the same tree made the kubeadm way, one process, its fastest round; "
         "kpki/Go wall: kpki's best wall time over Go's.\n";
  return out.str();
}

nlohmann::json cluster_report_json(const ClusterReport& report) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : report.points) {
    auto faster = speedup(report, p);
    points.push_back({{"workers", p.workers},
                      {"tokenSessions", p.token_sessions},
                      {"certificates", p.certificates},
                      {"bestSeconds", p.best_seconds},
                      {"medianSeconds", p.median_seconds},
                      {"cpuSeconds", p.cpu_seconds},
                      {"msPerCertificate", p.best_ms_per_certificate()},
                      {"medianMsPerCertificate", p.median_ms_per_certificate()},
                      {"cpuMsPerCertificate", p.cpu_ms_per_certificate()},
                      {"peakRssKb", p.peak_rss_kb},
                      {"timesCrypto", p.best_ms_per_certificate() / report.crypto.total_ms()},
                      {"timesFasterThanCfssl", faster ? nlohmann::json(*faster) : nullptr}});
    if (const auto& go = p.kubeadm_way) {
      points.back()["kubeadmWay"] = {{"bestSeconds", go->best_seconds},
                                     {"medianSeconds", go->median_seconds},
                                     {"cpuSeconds", go->cpu_seconds},
                                     {"peakRssKb", go->peak_rss_kb},
                                     {"kpkiOverGoWall", *versus_kubeadm_way(p)}};
    }
  }
  nlohmann::json cfssl =
      report.cfssl ? nlohmann::json{{"certificates", report.cfssl->certificates},
                                    {"msPerCertificate", report.cfssl->ms_per_certificate},
                                    {"version", report.cfssl->version}}
                   : nlohmann::json{{"note", report.cfssl_note}};
  return {{"apiVersion", kOutputApiVersion},
          {"kind", "ClusterBenchReport"},
          {"date", report.date},
          {"host", report.host},
          {"versions", report.versions},
          {"algorithm", algorithm_name(report.options.algorithm)},
          {"rounds", report.options.rounds},
          {"threads", report.threads},
          {"crypto",
           {{"keygenUs", report.crypto.keygen_us},
            {"signUs", report.crypto.sign_us},
            {"verifyUs", report.crypto.verify_us},
            {"msPerCertificate", report.crypto.total_ms()}}},
          {"points", points},
          {"cfssl", cfssl},
          {"kubeadmWay", {{"note", report.kubeadm_way_note}}}};
}

void plot_cluster_report(const ClusterReport& report, const std::string& path) {
  std::string terminal = gnuplot_terminal(path);
  BenchScratch scratch;
  std::string data = scratch.file("cluster.dat");
  {
    std::ofstream out(data);
    out << "# workers\tms_per_cert\tmedian\tcpu\tcrypto\tcfssl\n";
    for (const auto& p : report.points) {
      out << p.workers << '\t' << p.best_ms_per_certificate() << '\t'
          << p.median_ms_per_certificate() << '\t' << p.cpu_ms_per_certificate() << '\t'
          << report.crypto.total_ms() << '\t'
          << (report.cfssl ? fixed(report.cfssl->ms_per_certificate, 4) : "NaN") << '\n';
    }
  }
  std::string title = "kpki init, 1 control plane + N workers, " +
                      std::string(algorithm_name(report.options.algorithm)) + ", file CAs, " +
                      report.date + " (" + report.host + ")";
  std::string script = "set terminal " + terminal + "\nset output " + gnuplot_quoted(path) +
                       "\nset title " + gnuplot_quoted(title) +
                       " noenhanced\n"
                       "set xlabel 'workers (log scale)'\nset ylabel 'ms per certificate (log "
                       "scale)'\nset logscale xy\nset grid\nset key top right\n"
                       "set datafile separator '\\t'\nset datafile missing 'NaN'\n"
                       "plot " +
                       gnuplot_quoted(data) +
                       " using 1:2 with linespoints lw 2 title 'kpki init, wall (best round)', "
                       "'' using 1:3 with linespoints title 'kpki init, wall (median)', "
                       "'' using 1:4 with linespoints title 'kpki init, CPU (user+sys)', "
                       "'' using 1:5 with lines dt 2 title 'crypto: keygen + sign + verify', "
                       "'' using 1:6 with lines dt 3 lw 2 title 'cfssl gencert'\n";
  run_gnuplot(script, path);
}

}  // namespace kpki::bench
