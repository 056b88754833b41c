// kpki certs generate-csr | check: a tree whose certificates the organisation's CA signs
// (kubeadm's external-CA mode), and the check of any node tree against the certificate table.
#include <filesystem>
#include <iostream>

#include "backends/leaf_key_sources.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/progress_line.h"
#include "core/kubernetes/check/fill_kubeconfigs.h"
#include "core/kubernetes/check/tree_check.h"
#include "core/kubernetes/csr/generate_csr.h"
#include "core/util/duration.h"

namespace kpki::cli {

namespace {

struct GenerateArgs {
  std::string config;
  std::string dir;
  bool force = false;
  std::string format;
};

void run_generate(const GenerateArgs& args) {
  kube::ClusterConfig config = load_cluster_config_and_warn(args.config);
  kube::GenerateCsrOptions options;
  options.out_dir = args.dir;
  options.force = args.force;
  std::vector<kube::GeneratedCsr> made;
  {
    ProgressLine progress("new keys");
    options.leaf_keys.progress = progress.callback();
    made = kube::generate_csrs(config, options, leaf_key_source());
  }
  if (args.format == "json") {
    nlohmann::json j = {{"apiVersion", "output.kpki.io/v1alpha1"},
                        {"kind", "CertificateSigningRequests"},
                        {"directory", args.dir},
                        {"requests", nlohmann::json::array()}};
    for (const auto& csr : made)
      j["requests"].push_back(
          {{"node", csr.node}, {"name", csr.name}, {"csr", csr.csr_path}, {"key", csr.key_path}});
    std::cout << j.dump(2) << "\n";
    return;
  }
  for (const auto& csr : made) std::cout << csr.csr_path << "\n";
  std::cerr << made.size() << " CSR(s) written with their keys; have your CA sign each, put the "
            << "certificate beside it as .crt (admin.conf.csr -> admin.conf.crt) with the CA "
               "certificates in pki/, then run kpki certs check --fill-kubeconfigs\n";
}

struct CheckArgs {
  std::string config;
  std::string dir;
  std::string node;
  std::string ca;
  std::string ca_dir;
  std::string warn_within = "30d";
  bool fill = false;
  std::string format;
};

// --ca: one bundle trusted for every CA of the tree; --ca-dir: a pki directory (ca.crt,
// etcd/ca.crt, front-proxy-ca.crt), each trusted for its own CA.
void load_anchors(const CheckArgs& args, kube::TreeCheckOptions& options) {
  if (!args.ca.empty()) {
    for (auto& anchors : options.anchors) anchors = Certificate::load_bundle(args.ca);
  }
  if (args.ca_dir.empty()) return;
  for (const auto& spec : kube::ca_specs()) {
    // base_path is "pki/ca", "pki/etcd/ca", ...: the same file under the given pki directory.
    std::string path = args.ca_dir + "/" + spec.base_path.substr(4) + ".crt";
    bool required = spec.id == kube::CaId::Kubernetes;
    if (!required && !std::filesystem::exists(path)) continue;
    auto& anchors = options.anchors[static_cast<size_t>(spec.id)];
    for (auto& cert : Certificate::load_bundle(path)) anchors.push_back(std::move(cert));
  }
}

void run_check(const CheckArgs& args) {
  kube::ClusterConfig config = load_cluster_config_and_warn(args.config);
  kube::TreeCheckOptions options;
  options.node_dir = args.dir;
  options.node_name = args.node.empty()
                          ? std::filesystem::path(args.dir).lexically_normal().filename().string()
                          : args.node;
  if (options.node_name.empty())  // "out/nodes/cp1/" ends in an empty name
    options.node_name =
        std::filesystem::path(args.dir).lexically_normal().parent_path().filename().string();
  options.warn_within = parse_duration(args.warn_within, "--warn-within");
  load_anchors(args, options);
  if (args.fill) {
    for (const auto& path : kube::fill_kubeconfigs(config, options, leaf_key_source()))
      std::cerr << "kpki: filled " << args.dir << "/" << path << "\n";
  }
  kube::TreeCheckReport report = kube::check_tree(config, options, leaf_key_source());
  if (args.format == "json")
    std::cout << kube::check_json(report).dump(2) << "\n";
  else
    std::cout << kube::render_check_text(report);
  std::cout.flush();
  if (!report.clean()) std::exit(1);
}

}  // namespace

void add_certs_csr_commands(CLI::App& certs) {
  auto generate = std::make_shared<GenerateArgs>();
  auto* gen_cmd = certs.add_subcommand(
      "generate-csr",
      "Keys and CSRs for every certificate of every node, for an outside CA to sign");
  gen_cmd->footer(
      example("kpki certs generate-csr --config cluster.yaml --dir out") +
      "\nAs kubeadm certs generate-csr: OUT/nodes/NAME/pki/apiserver.key beside apiserver.csr, "
      "and\nadmin.conf (server and client key, no certificates yet) beside admin.conf.csr. Each "
      "CSR\ncarries the table's subject, SANs and usages (openssl x509 -req -copy_extensions "
      "copy).\nThen: sign, put each certificate beside its CSR as .crt and the CA certificates "
      "in pki/,\nand run kpki certs check --fill-kubeconfigs (docs/ca-lifecycle.md, \"An "
      "external CA\").");
  gen_cmd->add_option("--config", generate->config, "Cluster config (nodes, names, SANs)")
      ->required();
  gen_cmd->add_option("--dir", generate->dir, "Output directory (OUT/nodes/<name>/...)")
      ->required();
  gen_cmd->add_flag("--force", generate->force, "Replace keys and CSRs that are already there");
  add_output_format_flag(*gen_cmd, generate->format);
  gen_cmd->callback([generate] { run_generate(*generate); });

  auto check = std::make_shared<CheckArgs>();
  auto* check_cmd = certs.add_subcommand(
      "check", "Check a node's tree against the certificate table; every finding, exit 1 on any");
  check_cmd->footer(
      example("kpki certs check --config cluster.yaml --dir out/nodes/cp1 --ca org-ca.crt") +
      "\nIdentity (CN, O), SANs, usages, key pairs, the chain to the CA, validity (a warning "
      "within\n--warn-within of expiry), file modes (keys and kubeconfigs 0600), kubeconfig "
      "servers and\nembedded certificates, the service-account key pair. Any tree: kpki's, "
      "kubeadm's, openssl's.");
  check_cmd->add_option("--config", check->config, "Cluster config the tree must match")
      ->required();
  check_cmd->add_option("--dir", check->dir, "Node directory (OUT/nodes/<name>)")->required();
  check_cmd->add_option("--node", check->node,
                        "The config node the directory belongs to (default: the --dir basename)");
  check_cmd->add_option("--ca", check->ca,
                        "CA certificate(s) to trust for every CA of the tree (default: the "
                        "tree's own pki/ca.crt, pki/etcd/ca.crt, pki/front-proxy-ca.crt)");
  check_cmd->add_option("--ca-dir", check->ca_dir,
                        "A pki directory (ca.crt, etcd/ca.crt, front-proxy-ca.crt) to trust, "
                        "each for its own CA");
  check_cmd->add_option("--warn-within", check->warn_within,
                        "Warn about certificates expiring within this time (default 30d)");
  check_cmd->add_flag("--fill-kubeconfigs", check->fill,
                      "First embed each signed kubeconfig certificate (admin.conf.crt) and "
                      "pki/ca.crt into its kubeconfig, when the check finds nothing wrong with it");
  add_output_format_flag(*check_cmd, check->format);
  check_cmd->callback([check] { run_check(*check); });
}

}  // namespace kpki::cli
