// kpki ledger rebuild: a new ledger for a directory whose ledger was lost or replaced, from the
// certificates its files still hold and the revocations of its last CRLs; then the directory's
// CAs are bound to it (docs/ledger.md "A lost ledger").
#include <filesystem>
#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/ledger_flags.h"
#include "cli/machine_output.h"
#include "core/fs/file_io.h"
#include "core/kubernetes/rebuild/ledger_rebuild.h"
#include "core/util/display_text.h"
#include "core/util/error.h"

namespace kpki::cli {

namespace {

struct RebuildArgs {
  std::string dir;
  std::vector<std::string> crls;
  bool dry_run = false;
  std::string format;
  LedgerFlag ledger;
};

// The LedgerRebuild document (docs/json.md): the plan, and after a run what was stored.
nlohmann::ordered_json rebuild_document(const kube::RebuildPlan& plan, const RebuildArgs& args,
                                        const std::string& shown, bool exists,
                                        const kube::RebuildCounts* counts) {
  nlohmann::ordered_json cas = nlohmann::ordered_json::array();
  for (const kube::RebuildCa& ca : plan.cas)
    cas.push_back({{"subject", ca.subject},
                   {"keyId", ca.key_id},
                   {"certificates", ca.certificates},
                   {"crlNumber", ca.crl_number},
                   {"revoked", ca.revoked},
                   {"revokedNotOnDisk", ca.revoked_not_on_disk}});
  nlohmann::ordered_json result = nullptr;
  if (counts)
    result = {{"recorded", counts->recorded},
              {"alreadyRecorded", counts->already_recorded},
              {"revoked", counts->revoked},
              {"alreadyRevoked", counts->already_revoked}};
  return output_document("LedgerRebuild", {{"dryRun", args.dry_run},
                                           {"dir", args.dir},
                                           {"ledger", shown},
                                           {"ledgerExisted", exists},
                                           {"certificateAuthorities", cas},
                                           {"records", plan.records.size()},
                                           {"revocations", plan.revocations.size()},
                                           {"result", result}});
}

// The home `dir` is: a kpki tree (its state says so, or it has nodes/), else a CA's directory.
ledger::LedgerHome home_of(const std::string& dir) {
  ledger::LedgerHome home{std::filesystem::path(dir).lexically_normal(), false};
  std::optional<ledger::LedgerState> state = ledger::read_ledger_state(home);
  std::error_code ec;
  home.tree = (state && state->tree) || std::filesystem::is_directory(home.dir / "nodes", ec);
  return home;
}

void print_plan(const kube::RebuildPlan& plan, const std::string& dir, const std::string& shown,
                bool exists) {
  std::cout << "ledger rebuild of " << dir << " into " << shown
            << (exists ? " (exists: records it lacks are added)" : " (new)") << "\n";
  for (const kube::RebuildCa& ca : plan.cas) {
    std::cout << "  CA " << printable(ca.subject) << " (key id " << ca.key_id
              << "): " << ca.certificates << " certificate(s) on disk; ";
    if (ca.crl_number == 0) {
      std::cout << "no CRL given (no revocation recovered)\n";
      continue;
    }
    std::cout << "CRL number " << ca.crl_number << ": " << ca.revoked << " revoked ("
              << ca.revoked_not_on_disk << " no longer on disk); next CRL number "
              << ca.crl_number + 1 << " or more\n";
  }
  std::cout << plan.records.size() << " record(s), " << plan.revocations.size()
            << " revocation(s); not recoverable: certificates no file holds, issue times, "
               "signing key URIs\n";
}

void run_rebuild(const RebuildArgs& args) {
  ledger::LedgerHome home = home_of(args.dir);
  std::string spec = args.ledger.resolve(home.default_ledger());
  std::vector<kube::CrlFile> crls;
  for (const std::string& path : args.crls) crls.push_back({Crl::load(path), path});
  std::vector<kube::FoundCertificate> found = kube::certificates_under(args.dir);
  kube::RebuildPlan plan =
      kube::plan_rebuild(found, crls, ledger::JournalContext::of_this_process(command_line()));
  if (plan.cas.empty())
    throw Error(ErrorCode::NotFound, "no CA certificate under '" + args.dir + "'");
  bool exists = spec.find("://") != std::string::npos || file_exists(spec);
  const std::string shown = ledger::redact_ledger_spec(spec);
  const bool document = prints_document(args.format);
  if (args.dry_run && document)
    return print_document(rebuild_document(plan, args, shown, exists, nullptr), args.format);
  if (args.dry_run) std::cout << "dry run: nothing is written\n";
  if (!document) print_plan(plan, args.dir, shown, exists);
  if (args.dry_run) return;

  std::unique_ptr<ledger::Ledger> store = ledger::open_ledger(spec);
  kube::RebuildCounts counts = kube::apply_rebuild(plan, *store);
  ledger::bind_ledger(home, spec, *store);
  for (const kube::RebuildCa& ca : plan.cas)
    if (ca.crl_number > 0) ledger::note_crl_published(home, ca.key_id, ca.crl_number);
  if (document)
    return print_document(rebuild_document(plan, args, shown, exists, &counts), args.format);
  std::cout << "rebuilt " << store->location() << ": " << counts.recorded << " recorded ("
            << counts.already_recorded << " already there), " << counts.revoked << " revoked ("
            << counts.already_revoked << " already); the CAs of " << args.dir
            << " now record into it\n";
}

}  // namespace

void add_ledger_rebuild_command(CLI::App& group) {
  auto args = std::make_shared<RebuildArgs>();
  auto* cmd = group.add_subcommand(
      "rebuild",
      "Make a lost or replaced ledger anew from the certificates on disk and the last CRLs");
  cmd->footer(example("kpki ledger rebuild --dir out --crl out/pki/crl.pem --crl "
                      "out/pki/etcd/crl.pem --dry-run") +
              "\nRecovered: every certificate under --dir signed by a CA found there (PEM files, "
              "kubeconfigs),\nthe revocations and CRL numbers of the --crl files. Then the CAs "
              "record into this ledger.");
  cmd->add_option("--dir", args->dir, "A kpki tree (init's OUT) or a CA certificate's directory")
      ->required();
  cmd->add_option("--crl", args->crls, "The last CRL each CA published (PEM or DER); repeatable");
  cmd->add_flag("--dry-run", args->dry_run, "Print the plan; write nothing");
  args->ledger.add_to(*cmd, LedgerDefault::Tree);
  add_output_format_flag(*cmd, args->format);
  cmd->callback([args] { run_rebuild(*args); });
}

}  // namespace kpki::cli
